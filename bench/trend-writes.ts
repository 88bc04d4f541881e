/**
 * What writing real-time trend points costs once the store holds history: Tally's own trend
 * statements on a file database in WAL mode, as the write thread runs them. Series are
 * polled every 10 s, one second's worth of them per flush (the trend engine's write-behind);
 * before measuring, the table is filled with `hours` of such history.
 *
 *   npm run build && node dist/bench/trend-writes.js [series=15000] [hours=1]
 *
 * It prints the CPU per flush and per point, the WAL written per second, and how long a raw
 * query for one series' points over the whole history takes.
 */
import { statSync } from 'node:fs';
import { bucketColumns, pointColumns, type Point, type PointColumns } from '../src/trends/trend-store.js';
import { withTrendStore } from './trend-bench-store.js';

const SERIES = Number(process.argv[2] ?? 15_000);
const HOURS = Number(process.argv[3] ?? 1);
const INTERVAL_MS = 10_000;
const FLUSH_MS = 1_000;
const MEASURED_FLUSHES = 120;
/** The write thread's periodic checkpoint, in flushes. */
const CHECKPOINT_EVERY = 10;
const QUERIED_SERIES = 20;

/**
 * The points of one flush at `t`: the series whose poll falls in that second, in no order of
 * series (the trend engine queues them as their values change, element after element).
 */
function flushPoints(t: number): PointColumns {
  const points: Point[] = [];
  const phase = Math.floor((t % INTERVAL_MS) / FLUSH_MS);
  for (let seriesId = 1 + phase; seriesId <= SERIES; seriesId += INTERVAL_MS / FLUSH_MS) points.push({ seriesId, t: t + (seriesId % FLUSH_MS), v: Math.random() * 10_000 });
  for (let i = points.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [points[i], points[j]] = [points[j], points[i]];
  }
  return pointColumns(points);
}

withTrendStore('trend-writes', SERIES, 12, ({ db, file, store, writes }) => {
  let t = Date.UTC(2026, 11, 1);
  const filled = performance.now();
  for (const end = t + HOURS * 3_600_000; t < end; t += FLUSH_MS) writes.write({ series: [], points: flushPoints(t), buckets: bucketColumns([]), removedElements: [] });
  db.pragma('wal_checkpoint(TRUNCATE)');
  process.stdout.write(`history: ${SERIES} series, ${HOURS} h, filled in ${((performance.now() - filled) / 1000).toFixed(1)} s\n`);

  let walBytes = 0;
  let points = 0;
  const cpu = process.cpuUsage();
  for (let flush = 1; flush <= MEASURED_FLUSHES; flush++, t += FLUSH_MS) {
    const batch = flushPoints(t);
    points += batch.seriesId.length;
    writes.write({ series: [], points: batch, buckets: bucketColumns([]), removedElements: [] });
    if (flush % CHECKPOINT_EVERY === 0) {
      walBytes += statSync(`${file}-wal`).size;
      db.pragma('wal_checkpoint(TRUNCATE)');
    }
  }
  const used = process.cpuUsage(cpu);
  const microseconds = used.user + used.system;
  const queried = performance.now();
  for (let seriesId = 1; seriesId <= QUERIED_SERIES; seriesId++) store.points(seriesId, 0, t, 10_000);
  const result = {
    series: SERIES,
    historyHours: HOURS,
    pointsPerFlush: Math.round(points / MEASURED_FLUSHES),
    cpuMsPerFlush: Number((microseconds / 1000 / MEASURED_FLUSHES).toFixed(2)),
    cpuMicrosecondsPerPoint: Number((microseconds / points).toFixed(2)),
    walKBPerSecond: Math.round(walBytes / 1024 / ((MEASURED_FLUSHES * FLUSH_MS) / 1000)),
    rawQueryMs: Number(((performance.now() - queried) / QUERIED_SERIES).toFixed(2)),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
});
