/**
 * The trend tables in Tally's SQLite file (migration namespace `trends`): one row per series
 * (element, parameter, row), real-time points, and rollups per window. Points and rollups
 * carry the series' integer id so the big tables stay narrow.
 *
 * Real-time points are kept by ten-second block first, then series, then time. Keyed by
 * series first, each point went to the last page of its own series: a flush of 1,500 points
 * (15,000 series polled every 10 s, an hour of history) touched 1,500 pages and cost 39 ms of
 * CPU. By minute, the points of a flush landed on the pages of the current minute: 5.6 ms.
 * But a flush's points are spread over every series of the block, so it rewrites pages all
 * over the block's part of the table, and that part grows through the block: at 10,000
 * elements (19,500 points a flush) Tally's statements cost 7.6 µs a point by minute and 3.0
 * by ten-second block (`bench/trend-writes.js 195000 0`); in a bare SQLite loop a second's
 * block cost 1.3, ten seconds' 1.9, a minute's 5.7. Ten seconds, so that a query for one
 * series still seeks only 360 blocks for an hour, about a millisecond. Retention deletes
 * whole blocks from the front of the table.
 *
 * Rollups are kept by window first, then bucket start, then series, for the same reason.
 * Keyed by series first, each series' open buckets sat after all its earlier ones, so the
 * trend engine's checkpoint flush (the open buckets of a few blocks of consecutive series,
 * checkpoint-wheel.ts) rewrote pages all over the table, more of them the more history it
 * held, and every series' new bucket at each edge of a window went into the middle of its
 * own run of rows. By window and time, a flush's buckets sit together at the current end
 * of each window's part of the table however much history there is. With 195,000 series
 * (10,000 StreamHubs) and an hour of history, a tenth of the series' new buckets at an edge
 * cost 433 ms of CPU and 8.5 MB of WAL keyed by series, 51 ms and 0.7 MB by time (ten such
 * flushes at every 5-minute edge); with 15,000 series a checkpoint flush wrote 69 KB of WAL
 * after an hour and 290 KB after a day keyed by series, 9 and 18 KB by time
 * (`bench/rollup-writes.js`).
 * A series' buckets are read a bucket start at a time, each a seek (at most a few thousand
 * over a window's whole retention), and retention deletes from the front of each window.
 */
import { runMigrations, type Migration, type SqliteDatabase } from '../store/sqlite-database.js';
import { columnsOf, type Columns } from './pending-columns.js';

const MINUTE_MS = 60_000;
const BLOCK_MS = 10_000;
/** Blocks one query for a series' points covers: a raw query of an hour is one statement. */
const BLOCKS_PER_QUERY = 360;

/** The block a point is kept under: whole ten seconds since the epoch. */
const blockOf = (t: number): number => Math.floor(t / BLOCK_MS);

/** Moves every point into a table keyed by `column` (its time over `ms`), then series and time. */
const pointsKeyedBy = (column: string, ms: number): string => `
  CREATE TABLE trend_points_by_${column} (
    ${column} INTEGER NOT NULL, series_id INTEGER NOT NULL, t INTEGER NOT NULL, v REAL NOT NULL,
    PRIMARY KEY (${column}, series_id, t)) WITHOUT ROWID;
  INSERT INTO trend_points_by_${column} (${column}, series_id, t, v) SELECT t / ${ms}, series_id, t, v FROM trend_points;
  DROP TABLE trend_points;
  ALTER TABLE trend_points_by_${column} RENAME TO trend_points;`;

const MIGRATIONS: readonly Migration[] = [
  {
    name: 'trend series, points and rollups',
    up(db) {
      db.exec(`
        CREATE TABLE trend_series (
          id INTEGER PRIMARY KEY, element_id TEXT NOT NULL, param_id TEXT NOT NULL, row_key TEXT NOT NULL,
          UNIQUE (element_id, param_id, row_key));
        CREATE TABLE trend_points (series_id INTEGER NOT NULL, t INTEGER NOT NULL, v REAL NOT NULL, PRIMARY KEY (series_id, t)) WITHOUT ROWID;
        CREATE TABLE trend_rollups (
          series_id INTEGER NOT NULL, window INTEGER NOT NULL, t INTEGER NOT NULL,
          sum REAL NOT NULL, min REAL NOT NULL, max REAL NOT NULL, count INTEGER NOT NULL,
          PRIMARY KEY (series_id, window, t)) WITHOUT ROWID;
        CREATE INDEX trend_rollups_time ON trend_rollups (window, t);`);
    },
  },
  { name: 'real-time points by minute', up: (db) => db.exec(pointsKeyedBy('minute', MINUTE_MS)) },
  { name: 'real-time points by ten-second block', up: (db) => db.exec(pointsKeyedBy('block', BLOCK_MS)) },
  {
    name: 'rollups by window and time',
    up(db) {
      // The old table's index on (window, t) goes with it.
      db.exec(`
        CREATE TABLE trend_rollups_by_time (
          window INTEGER NOT NULL, t INTEGER NOT NULL, series_id INTEGER NOT NULL,
          sum REAL NOT NULL, min REAL NOT NULL, max REAL NOT NULL, count INTEGER NOT NULL,
          PRIMARY KEY (window, t, series_id)) WITHOUT ROWID;
        INSERT INTO trend_rollups_by_time (window, t, series_id, sum, min, max, count)
          SELECT window, t, series_id, sum, min, max, count FROM trend_rollups ORDER BY window, t, series_id;
        DROP TABLE trend_rollups;
        ALTER TABLE trend_rollups_by_time RENAME TO trend_rollups;`);
    },
  },
];

/** A rollup bucket: the samples of one series in [t, t + window). */
export interface Bucket {
  seriesId: number;
  window: number;
  t: number;
  sum: number;
  min: number;
  max: number;
  count: number;
}

/** A real-time point: series `seriesId` had value `v` from epoch ms `t`. */
export interface Point {
  seriesId: number;
  t: number;
  v: number;
}

export const POINT_FIELDS: readonly (keyof Point)[] = ['seriesId', 't', 'v'];
export const BUCKET_FIELDS: readonly (keyof Bucket)[] = ['seriesId', 'window', 't', 'sum', 'min', 'max', 'count'];
export type PointColumns = Columns<keyof Point>;
export type BucketColumns = Columns<keyof Bucket>;

/** Points as a batch's columns, in order. */
export const pointColumns = (points: readonly Point[]): PointColumns => columnsOf(POINT_FIELDS, points);
/** Buckets as a batch's columns, in order. */
export const bucketColumns = (buckets: readonly Bucket[]): BucketColumns => columnsOf(BUCKET_FIELDS, buckets);

export interface SeriesRow {
  id: number;
  elementId: string;
  paramId: string;
  /** Empty for a parameter. */
  rowKey: string;
}

/** What retention lets go: raw points before `pointsBefore`, each window's buckets before its cutoff. */
export interface TrendCutoffs {
  pointsBefore: number;
  bucketsBefore: { window: number; before: number }[];
}

/** Everything one flush writes. */
export interface TrendBatch {
  series: SeriesRow[];
  points: PointColumns;
  buckets: BucketColumns;
  removedElements: string[];
  /** Retention, applied after the rest (a prune is a long delete: it goes where the writes go). */
  prune?: TrendCutoffs;
}

export interface TrendWrites {
  /** Writes a batch, its prune aside, in one transaction. */
  write(batch: TrendBatch): void;
  /**
   * One transaction of a prune: the old points of the oldest block after `afterBlock` (the
   * old rollups too, in the first step, `afterBlock` 0). Returns the block to continue
   * after, or null when the prune is done. A 10-minute prune at 2,000 elements (24,000
   * series) deletes 1.4 M points: in one transaction no other write would get the database
   * for over a second; a block at a time, other writes go in between.
   */
  pruneStep(cutoffs: TrendCutoffs, afterBlock: number): number | null;
}

/** Writes a batch and then every step of its prune, one after the other: where no other write waits in between. */
export function writeAtOnce(writes: TrendWrites, batch: TrendBatch): void {
  writes.write(batch);
  if (!batch.prune) return;
  for (let after: number | null = 0; after !== null; ) after = writes.pruneStep(batch.prune, after);
}

/**
 * The first and last blocks that hold points. Two subqueries, each a seek to one end of the
 * key: MIN and MAX in one SELECT read the whole table (2 s for 32 M points, before every raw
 * query).
 */
export const BLOCKS_HELD_SQL = 'SELECT (SELECT MIN(block) FROM trend_points) AS first, (SELECT MAX(block) FROM trend_points) AS last';

/** The blocks that hold points, oldest first: each found from the last by the primary key. */
const PRESENT_BLOCKS = `present (block) AS (
  SELECT MIN(block) FROM trend_points
  UNION ALL SELECT (SELECT MIN(block) FROM trend_points WHERE block > present.block) FROM present WHERE present.block IS NOT NULL)`;

/** Every (window, bucket start) that holds rollups, each found from the last by the primary key. */
const PRESENT_BUCKETS = `present_windows (window) AS (
  SELECT MIN(window) FROM trend_rollups
  UNION ALL SELECT (SELECT MIN(window) FROM trend_rollups WHERE window > present_windows.window)
    FROM present_windows WHERE present_windows.window IS NOT NULL),
present_buckets (window, t) AS (
  SELECT window, (SELECT MIN(t) FROM trend_rollups WHERE window = present_windows.window)
    FROM present_windows WHERE present_windows.window IS NOT NULL
  UNION ALL SELECT window, (SELECT MIN(t) FROM trend_rollups WHERE window = present_buckets.window AND t > present_buckets.t)
    FROM present_buckets WHERE present_buckets.t IS NOT NULL)`;

/**
 * The statements a flush runs. Shared by {@link TrendStore} (writes on the event loop) and
 * the store's write thread, which runs them on a connection of its own; the trend tables
 * must exist (see {@link TrendStore}'s migrations).
 */
export function prepareTrendWrites(db: SqliteDatabase): TrendWrites {
  const insertSeries = db.prepare('INSERT OR IGNORE INTO trend_series (id, element_id, param_id, row_key) VALUES (@id, @elementId, @paramId, @rowKey)');
  const insertPoint = db.prepare('INSERT OR REPLACE INTO trend_points (block, series_id, t, v) VALUES (?, ?, ?, ?)');
  const upsertBucket = db.prepare(`INSERT INTO trend_rollups (series_id, window, t, sum, min, max, count)
    VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (window, t, series_id) DO UPDATE SET sum = excluded.sum, min = excluded.min, max = excluded.max, count = excluded.count`);
  // Block by block through the primary key: with no index by series, a plain filter would
  // read every point. One walk for all the elements a batch removes (a JSON array of ids):
  // with six hours of 15,000 series a walk took about 210 ms for one element, 520-610 for ten.
  const deleteElementsPoints = db.prepare(`WITH RECURSIVE ${PRESENT_BLOCKS}
    DELETE FROM trend_points WHERE block IN present
      AND series_id IN (SELECT id FROM trend_series WHERE element_id IN (SELECT value FROM json_each(?)))`);
  // The same for rollups, bucket by bucket of every window (a few thousand seeks a window at most).
  const deleteElementsBuckets = db.prepare(`WITH RECURSIVE ${PRESENT_BUCKETS}
    DELETE FROM trend_rollups WHERE (window, t) IN (SELECT window, t FROM present_buckets)
      AND series_id IN (SELECT id FROM trend_series WHERE element_id IN (SELECT value FROM json_each(?)))`);
  const deleteElementSeries = db.prepare('DELETE FROM trend_series WHERE element_id = ?');
  const nextBlock = db.prepare('SELECT MIN(block) FROM trend_points WHERE block > ?').pluck();
  const prunePoints = db.prepare('DELETE FROM trend_points WHERE block = ? AND t < ?');
  const pruneBuckets = db.prepare('DELETE FROM trend_rollups WHERE window = ? AND t < ?');
  const write = db.transaction((batch: TrendBatch) => {
    for (const series of batch.series) insertSeries.run(series);
    const { seriesId, t, v } = batch.points;
    const blocks = t.map(blockOf);
    for (const i of keyOrder(blocks, batch.points)) insertPoint.run(blocks[i], seriesId[i], t[i], v[i]);
    const buckets = batch.buckets;
    for (let i = 0; i < buckets.seriesId.length; i++) {
      upsertBucket.run(buckets.seriesId[i], buckets.window[i], buckets.t[i], buckets.sum[i], buckets.min[i], buckets.max[i], buckets.count[i]);
    }
    // Last, so values queued just before the removal do not outlive it.
    if (batch.removedElements.length > 0) {
      const removed = JSON.stringify(batch.removedElements);
      deleteElementsPoints.run(removed);
      deleteElementsBuckets.run(removed);
    }
    for (const elementId of batch.removedElements) deleteElementSeries.run(elementId);
  });
  const pruneStep = db.transaction((cutoffs: TrendCutoffs, afterBlock: number): number | null => {
    if (afterBlock === 0) for (const { window, before } of cutoffs.bucketsBefore) pruneBuckets.run(window, before);
    const block = nextBlock.get(afterBlock) as number | null;
    const lastBlock = blockOf(cutoffs.pointsBefore);
    if (block === null || block > lastBlock) return null;
    prunePoints.run(block, cutoffs.pointsBefore);
    // The cutoff's own block keeps its later points: nothing after it is old enough.
    return block === lastBlock ? null : block;
  });
  return { write, pruneStep };
}

/**
 * The points' positions in the table's key order (block, series, time). A flush holds the
 * points in the order their values changed, which scatters them over the current block's
 * pages; inserted in key order, each lands next to the one before. With minutes for blocks,
 * at 14,000 points a flush (10,000 elements) that was 3.4 µs a point, the sort included,
 * against 4.1; at 1,500 it was the same either way (`bench/trend-writes.js 140000 0` and
 * `15000 1`).
 */
function keyOrder(blocks: Float64Array, { seriesId, t }: PointColumns): Uint32Array {
  const order = new Uint32Array(seriesId.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  // The same point twice keeps its order: the later value is written last.
  return order.sort((a, b) => blocks[a] - blocks[b] || seriesId[a] - seriesId[b] || t[a] - t[b] || a - b);
}

export class TrendStore {
  private readonly statements;
  private readonly writes: TrendWrites;

  constructor(db: SqliteDatabase) {
    runMigrations(db, 'trends', MIGRATIONS);
    this.writes = prepareTrendWrites(db);
    this.statements = {
      findSeries: db.prepare('SELECT id FROM trend_series WHERE element_id = ? AND param_id = ? AND row_key = ?'),
      maxSeries: db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM trend_series'),
      elementsWithSeries: db.prepare('SELECT DISTINCT element_id FROM trend_series').pluck(),
      bucket: db.prepare('SELECT sum, min, max, count FROM trend_rollups WHERE series_id = ? AND window = ? AND t = ?'),
      blocksHeld: db.prepare(BLOCKS_HELD_SQL),
      // The blocks from the first parameter down to the second, each a seek to the series' points.
      points: db.prepare(`WITH RECURSIVE blocks (block) AS (VALUES (?) UNION ALL SELECT block - 1 FROM blocks WHERE block > ?)
        SELECT t, v FROM trend_points WHERE block IN blocks AND series_id = ? AND t >= ? AND t <= ? ORDER BY t DESC LIMIT ?`),
      // The window's bucket starts from `to` down to `from`, each found from the last by the
      // primary key, and the series' bucket at each.
      buckets: db.prepare(`WITH RECURSIVE starts (t) AS (
          SELECT MAX(t) FROM trend_rollups WHERE window = @window AND t <= @to
          UNION ALL SELECT (SELECT MAX(t) FROM trend_rollups WHERE window = @window AND t < starts.t) FROM starts WHERE starts.t >= @from)
        SELECT t, sum, min, max, count FROM trend_rollups
        WHERE window = @window AND t IN starts AND t >= @from AND series_id = @seriesId ORDER BY t DESC LIMIT @limit`),
    };
  }

  /** Writes a batch, and its prune, on this connection. */
  write(batch: TrendBatch): void {
    writeAtOnce(this.writes, batch);
  }

  highestSeriesId(): number {
    return (this.statements.maxSeries.get() as { id: number }).id;
  }

  elementsWithSeries(): Set<string> {
    return new Set(this.statements.elementsWithSeries.all() as string[]);
  }

  findSeries(elementId: string, paramId: string, rowKey: string): number | undefined {
    return (this.statements.findSeries.get(elementId, paramId, rowKey) as { id: number } | undefined)?.id;
  }

  bucket(seriesId: number, window: number, t: number): Omit<Bucket, 'seriesId' | 'window' | 't'> | undefined {
    return this.statements.bucket.get(seriesId, window, t) as Omit<Bucket, 'seriesId' | 'window' | 't'> | undefined;
  }


  /** The newest `limit` points in [from, to], oldest first: an hour of blocks at a time, newest first, until enough. */
  points(seriesId: number, from: number, to: number, limit: number): { t: number; v: number }[] {
    const held = this.statements.blocksHeld.get() as { first: number | null; last: number | null };
    if (held.first === null || held.last === null) return [];
    const lowest = Math.max(blockOf(from), held.first);
    const found: { t: number; v: number }[] = [];
    for (let high = Math.min(blockOf(to), held.last); high >= lowest && found.length < limit; high -= BLOCKS_PER_QUERY) {
      const low = Math.max(lowest, high - BLOCKS_PER_QUERY + 1);
      for (const point of this.statements.points.all(high, low, seriesId, from, to, limit - found.length) as { t: number; v: number }[]) {
        found.push(point);
      }
    }
    return found.reverse();
  }

  buckets(seriesId: number, window: number, from: number, to: number, limit: number): Omit<Bucket, 'seriesId' | 'window'>[] {
    return (this.statements.buckets.all({ seriesId, window, from, to, limit }) as Omit<Bucket, 'seriesId' | 'window'>[]).reverse();
  }

}
