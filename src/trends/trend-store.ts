/**
 * The trend tables in Tally's SQLite file (migration namespace `trends`): one row per series
 * (element, parameter, row), real-time points, and rollups per window. Points and rollups
 * carry the series' integer id so the big tables stay narrow.
 */
import { runMigrations, type Migration, type SqliteDatabase } from '../store/sqlite-database.js';

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

export interface Point {
  seriesId: number;
  t: number;
  v: number;
}

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
  points: Point[];
  buckets: Bucket[];
  removedElements: string[];
  /** Retention, applied after the rest (a prune is a long delete: it goes where the writes go). */
  prune?: TrendCutoffs;
}

/**
 * Series whose old points one prune step deletes. A day of points at 2,000 elements is
 * about 24,000 series, and a 10-minute prune deletes 1.4 M points: 1.6 s in one transaction,
 * during which no other write gets the database. In steps of 500 series it is ~50
 * transactions of 30–80 ms, and other writes go in between.
 */
export const PRUNE_SERIES_PER_STEP = 500;

export interface TrendWrites {
  /** Writes a batch, its prune aside, in one transaction. */
  write(batch: TrendBatch): void;
  /**
   * One transaction of a prune: the old points of the next {@link PRUNE_SERIES_PER_STEP}
   * series after `afterSeries` (the old rollups too, in the first step, `afterSeries` 0).
   * Returns the series to continue after, or null when the prune is done.
   */
  pruneStep(cutoffs: TrendCutoffs, afterSeries: number): number | null;
}

/** Writes a batch and then every step of its prune, one after the other: where no other write waits in between. */
export function writeAtOnce(writes: TrendWrites, batch: TrendBatch): void {
  writes.write(batch);
  if (!batch.prune) return;
  for (let after: number | null = 0; after !== null; ) after = writes.pruneStep(batch.prune, after);
}

/**
 * The statements a flush runs. Shared by {@link TrendStore} (writes on the event loop) and
 * the store's write thread, which runs them on a connection of its own; the trend tables
 * must exist (see {@link TrendStore}'s migrations).
 */
export function prepareTrendWrites(db: SqliteDatabase): TrendWrites {
  const insertSeries = db.prepare('INSERT OR IGNORE INTO trend_series (id, element_id, param_id, row_key) VALUES (@id, @elementId, @paramId, @rowKey)');
  const insertPoint = db.prepare('INSERT OR REPLACE INTO trend_points (series_id, t, v) VALUES (@seriesId, @t, @v)');
  const upsertBucket = db.prepare(`INSERT INTO trend_rollups (series_id, window, t, sum, min, max, count)
    VALUES (@seriesId, @window, @t, @sum, @min, @max, @count)
    ON CONFLICT (series_id, window, t) DO UPDATE SET sum = excluded.sum, min = excluded.min, max = excluded.max, count = excluded.count`);
  const deleteElementPoints = db.prepare('DELETE FROM trend_points WHERE series_id IN (SELECT id FROM trend_series WHERE element_id = ?)');
  const deleteElementBuckets = db.prepare('DELETE FROM trend_rollups WHERE series_id IN (SELECT id FROM trend_series WHERE element_id = ?)');
  const deleteElementSeries = db.prepare('DELETE FROM trend_series WHERE element_id = ?');
  // Through the primary key, series by series: no second index on the busiest table.
  const nextSeries = db.prepare('SELECT id FROM trend_series WHERE id > ? ORDER BY id LIMIT ?').pluck();
  const prunePoints = db.prepare('DELETE FROM trend_points WHERE series_id IN (SELECT value FROM json_each(?)) AND t < ?');
  const pruneBuckets = db.prepare('DELETE FROM trend_rollups WHERE window = ? AND t < ?');
  const write = db.transaction((batch: TrendBatch) => {
    for (const series of batch.series) insertSeries.run(series);
    for (const point of batch.points) insertPoint.run(point);
    for (const bucket of batch.buckets) upsertBucket.run(bucket);
    // Last, so values queued just before the removal do not outlive it.
    for (const elementId of batch.removedElements) {
      deleteElementPoints.run(elementId);
      deleteElementBuckets.run(elementId);
      deleteElementSeries.run(elementId);
    }
  });
  const pruneStep = db.transaction((cutoffs: TrendCutoffs, afterSeries: number): number | null => {
    if (afterSeries === 0) for (const { window, before } of cutoffs.bucketsBefore) pruneBuckets.run(window, before);
    const series = nextSeries.all(afterSeries, PRUNE_SERIES_PER_STEP) as number[];
    if (series.length === 0) return null;
    prunePoints.run(JSON.stringify(series), cutoffs.pointsBefore);
    return series.length < PRUNE_SERIES_PER_STEP ? null : series[series.length - 1];
  });
  return { write, pruneStep };
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
      points: db.prepare('SELECT t, v FROM trend_points WHERE series_id = ? AND t >= ? AND t <= ? ORDER BY t DESC LIMIT ?'),
      buckets: db.prepare(
        'SELECT t, sum, min, max, count FROM trend_rollups WHERE series_id = ? AND window = ? AND t >= ? AND t <= ? ORDER BY t DESC LIMIT ?',
      ),
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


  /** The newest `limit` points in [from, to], oldest first. */
  points(seriesId: number, from: number, to: number, limit: number): { t: number; v: number }[] {
    return (this.statements.points.all(seriesId, from, to, limit) as { t: number; v: number }[]).reverse();
  }

  buckets(seriesId: number, window: number, from: number, to: number, limit: number): Omit<Bucket, 'seriesId' | 'window'>[] {
    return (this.statements.buckets.all(seriesId, window, from, to, limit) as Omit<Bucket, 'seriesId' | 'window'>[]).reverse();
  }

}
