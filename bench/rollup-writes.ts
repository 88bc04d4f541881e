/**
 * What writing trend rollups costs as the store's history grows: Tally's own trend
 * statements on a file database in WAL mode, as the write thread runs them.
 *
 *   npm run build && node dist/bench/rollup-writes.js [series=15000] [hours=6]
 *
 * History builds up as it does in service: every `hours` of 5-minute, hourly and daily
 * buckets of every series, a new bucket of each series at every edge of a window, in flushes
 * of a tenth of the series (the closing buckets of one poll interval's polls). Then, as the
 * trend engine does once a second, one flush writes the open buckets of the series whose
 * checkpoint moment came (checkpoint-wheel.ts). It prints, for both kinds of flush, the CPU
 * and the WAL written, and how long one series' 5-minute buckets over the whole history and
 * an element's removal take.
 */
import { statSync } from 'node:fs';
import type { SqliteDatabase } from '../src/store/sqlite-database.js';
import { bucketColumns, pointColumns, type Bucket, type TrendWrites } from '../src/trends/trend-store.js';
import { ROLLUPS } from '../src/trends/trend-engine.js';
import { SLOTS_PER_PERIOD, phaseOf } from '../src/trends/checkpoint-wheel.js';
import { withTrendStore } from './trend-bench-store.js';

const SERIES = Number(process.argv[2] ?? 15_000);
const HOURS = Number(process.argv[3] ?? 6);
const WINDOWS_MS = ROLLUPS.map((window) => window.ms);
const FIVE_MINUTES = WINDOWS_MS[0];
/** A series' closing buckets come with its first poll after the edge: a tenth of the series a second at a 10 s interval. */
const CLOSING_FLUSHES = 10;
/** Checkpoint flushes measured: two minutes, each series' open buckets written twice. */
const CHECKPOINT_FLUSHES = 120;
/** Series per element, as a StreamHub's trended parameters and columns. */
const SERIES_PER_ELEMENT = 20;
const START = Date.UTC(2026, 10, 1);

const bucket = (seriesId: number, window: number, t: number): Bucket => ({ seriesId, window, t, sum: seriesId, min: 1, max: seriesId, count: 30 });
const writeBuckets = (writes: TrendWrites, buckets: Bucket[]): void =>
  writes.write({ series: [], points: pointColumns([]), buckets: bucketColumns(buckets), removedElements: [] });

/** The `flush`-th of the flushes that write every series' new bucket of `window` at `t`: a tenth of the series. */
function closingFlush(writes: TrendWrites, window: number, t: number, flush: number): void {
  const buckets: Bucket[] = [];
  for (let seriesId = 1 + flush; seriesId <= SERIES; seriesId += CLOSING_FLUSHES) buckets.push(bucket(seriesId, window, t));
  writeBuckets(writes, buckets);
}

/** CPU (ms) and WAL (KB) of each flush `run` makes, the WAL checkpointed every ten flushes as the write thread does. */
function measure(db: SqliteDatabase, file: string, flushes: number, run: (flush: number) => void): { cpuMsPerFlush: number; walKBPerFlush: number } {
  db.pragma('wal_checkpoint(TRUNCATE)');
  let walBytes = 0;
  const cpu = process.cpuUsage();
  for (let flush = 0; flush < flushes; flush++) {
    run(flush);
    if ((flush + 1) % 10 === 0 || flush === flushes - 1) {
      walBytes += statSync(`${file}-wal`).size;
      db.pragma('wal_checkpoint(TRUNCATE)');
    }
  }
  const used = process.cpuUsage(cpu);
  return { cpuMsPerFlush: round((used.user + used.system) / 1000 / flushes), walKBPerFlush: Math.round(walBytes / 1024 / flushes) };
}

const round = (value: number): number => Math.round(value * 100) / 100;

withTrendStore('rollup-writes', SERIES, SERIES_PER_ELEMENT, ({ db, file, store, writes }) => {
  const now = START + HOURS * 3_600_000;
  const filled = performance.now();
  for (let t = START; t < now; t += FIVE_MINUTES) {
    for (const window of WINDOWS_MS) if (t % window === 0) for (let flush = 0; flush < CLOSING_FLUSHES; flush++) closingFlush(writes, window, t, flush);
  }
  process.stdout.write(`history: ${SERIES} series, ${HOURS} h of buckets, filled in ${((performance.now() - filled) / 1000).toFixed(1)} s\n`);

  // The next 5-minute edge: every series' new bucket.
  const closing = measure(db, file, CLOSING_FLUSHES, (flush) => closingFlush(writes, FIVE_MINUTES, now, flush));

  // Then a second at a time, the open buckets whose checkpoint moment came.
  const bySlot = Array.from({ length: SLOTS_PER_PERIOD }, () => [] as number[]);
  for (let seriesId = 1; seriesId <= SERIES; seriesId++) bySlot[Math.floor(phaseOf(seriesId) * SLOTS_PER_PERIOD)].push(seriesId);
  const checkpoints = measure(db, file, CHECKPOINT_FLUSHES, (flush) => {
    const buckets: Bucket[] = [];
    for (const seriesId of bySlot[flush % SLOTS_PER_PERIOD]) for (const window of WINDOWS_MS) buckets.push(bucket(seriesId, window, now - (now % window)));
    writeBuckets(writes, buckets);
  });

  const queried = performance.now();
  const found = store.buckets(1, FIVE_MINUTES, START, now, 100_000).length;
  const queryMs = performance.now() - queried;
  const removed = performance.now();
  writes.write({ series: [], points: pointColumns([]), buckets: bucketColumns([]), removedElements: ['element-0'] });
  const removeMs = performance.now() - removed;

  const result = {
    series: SERIES,
    historyHours: HOURS,
    databaseMB: round(statSync(file).size / 2 ** 20),
    closingBucketsPerFlush: Math.ceil(SERIES / CLOSING_FLUSHES),
    closingCpuMsPerFlush: closing.cpuMsPerFlush,
    closingWalKBPerFlush: closing.walKBPerFlush,
    openBucketsPerFlush: Math.round((SERIES * WINDOWS_MS.length) / SLOTS_PER_PERIOD),
    checkpointCpuMsPerFlush: checkpoints.cpuMsPerFlush,
    checkpointWalKBPerFlush: checkpoints.walKBPerFlush,
    fiveMinuteBucketsFound: found,
    bucketQueryMs: round(queryMs),
    elementRemovalMs: round(removeMs),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
});
