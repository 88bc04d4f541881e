import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite, type SqliteDatabase } from '../store/sqlite-database.js';
import { BLOCKS_HELD_SQL, TrendStore, bucketColumns, pointColumns, type Bucket } from './trend-store.js';
import { SERIES_PER_BLOCK } from './checkpoint-wheel.js';
import { ROLLUPS } from './trend-engine.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** The trend engine's rollup windows: 5 minutes, an hour, a day. */
const WINDOWS = ROLLUPS.map((rollup) => rollup.ms);
const START = Date.UTC(2026, 11, 1, 10, 0, 0);

const bucket = (seriesId: number, window: number, t: number, sum = seriesId): Bucket => ({ seriesId, window, t, sum, min: 1, max: 2, count: 3 });

describe('TrendStore real-time points', () => {
  let db: SqliteDatabase;
  let store: TrendStore;
  beforeEach(() => {
    db = openSqlite(':memory:');
    store = new TrendStore(db);
    store.write({
      series: [
        { id: 1, elementId: 'enc-1', paramId: 'bitrate', rowKey: '' },
        { id: 2, elementId: 'enc-1', paramId: 'rtt', rowKey: '' },
        { id: 3, elementId: 'enc-2', paramId: 'bitrate', rowKey: '' },
      ],
      // Three hours of one point every 20 s for each series: more blocks than one query covers.
      // The value tells its series (whole part) and its place (thousandths).
      points: pointColumns(Array.from({ length: 3 * 180 }, (_, i) => i).flatMap((i) => [1, 2, 3].map((seriesId) => ({ seriesId, t: START + i * 20_000, v: seriesId + i / 1000 })))),
      buckets: bucketColumns([]),
      removedElements: [],
    });
  });
  afterEach(() => db.close());

  const times = (points: { t: number }[]): number[] => points.map((point) => point.t);

  it('answers a series\' points in [from, to], oldest first, across hours, and no other series\'', () => {
    const all = store.points(1, 0, Number.MAX_SAFE_INTEGER, 10_000);
    expect(all).toHaveLength(540);
    expect(times(all)).toEqual(Array.from({ length: 540 }, (_, i) => START + i * 20_000));
    expect(all.every((point) => Math.floor(point.v) === 1)).toBe(true);
    // Bounds are inclusive and need not fall on a block's edge.
    const from = START + 61 * MINUTE + 20_000;
    const to = START + 125 * MINUTE + 40_000;
    expect(times(store.points(2, from, to, 10_000))).toEqual(times(all).filter((t) => t >= from && t <= to));
  });

  it('finds the blocks held at the two ends of the key, reading no other point', () => {
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${BLOCKS_HELD_SQL}`).all() as { detail: string }[];
    expect(plan.map((step) => step.detail)).not.toContainEqual(expect.stringMatching(/^SCAN trend_points/));
    expect(db.prepare(BLOCKS_HELD_SQL).get()).toEqual({ first: Math.floor(START / 10_000), last: Math.floor((START + 539 * 20_000) / 10_000) });
  });

  it('keeps the newest points when there are more than the limit', () => {
    const newest = store.points(3, START, START + 3 * 60 * MINUTE, 250);
    expect(times(newest)).toEqual(Array.from({ length: 250 }, (_, i) => START + (540 - 250 + i) * 20_000));
  });

  it('answers nothing outside the points held, and nothing for an empty table', () => {
    expect(store.points(1, START - 10 * MINUTE, START - 1, 100)).toEqual([]);
    expect(store.points(1, START + 4 * 60 * MINUTE, START + 5 * 60 * MINUTE, 100)).toEqual([]);
    expect(store.points(9, 0, Number.MAX_SAFE_INTEGER, 100)).toEqual([]);
    const empty = openSqlite(':memory:');
    expect(new TrendStore(empty).points(1, 0, Number.MAX_SAFE_INTEGER, 100)).toEqual([]);
    empty.close();
  });

  it('writes a flush whole, a point sent twice in it keeping its later value', () => {
    const later = START + 4 * 60 * MINUTE;
    for (const size of [1, 200]) {
      const t = (i: number): number => later + size * 1_000_000 + i * 1000;
      const points = Array.from({ length: size }, (_, i) => ({ seriesId: 1 + (i % 3), t: t(i), v: i }));
      // The first point again, last.
      points.push({ seriesId: 1, t: t(0), v: -1 });
      store.write({ series: [], points: pointColumns(points), buckets: bucketColumns([]), removedElements: [] });
      const read = [1, 2, 3].flatMap((seriesId) => store.points(seriesId, t(0), t(size), 10_000).map((point) => ({ seriesId, ...point })));
      expect(read.sort((a, b) => a.t - b.t)).toEqual([{ seriesId: 1, t: t(0), v: -1 }, ...points.slice(1, size)]);
    }
  });

  it('removes an element\'s points from every block, and only its own', () => {
    store.write({ series: [], points: pointColumns([]), buckets: bucketColumns([]), removedElements: ['enc-1'] });
    expect(store.points(1, 0, Number.MAX_SAFE_INTEGER, 10_000)).toEqual([]);
    expect(store.points(2, 0, Number.MAX_SAFE_INTEGER, 10_000)).toEqual([]);
    expect(store.points(3, 0, Number.MAX_SAFE_INTEGER, 10_000)).toHaveLength(540);
    expect(db.prepare('SELECT COUNT(*) FROM trend_points').pluck().get()).toBe(540);
  });

  it('removes the points of every element a batch removes', () => {
    store.write({ series: [], points: pointColumns([]), buckets: bucketColumns([]), removedElements: ['enc-1', 'enc-2', 'never-trended'] });
    expect(db.prepare('SELECT COUNT(*) FROM trend_points').pluck().get()).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM trend_series').pluck().get()).toBe(0);
  });
});

describe('TrendStore migration', () => {
  it('moves the points of a database from the first layout, through the by-minute one, to ten-second blocks, and queries them', () => {
    const db = openSqlite(':memory:');
    // The trend schema as its first migration left it, with points in it.
    db.exec(`
      CREATE TABLE schema_migrations (namespace TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL, PRIMARY KEY (namespace, version));
      INSERT INTO schema_migrations VALUES ('trends', 1, 'trend series, points and rollups', 0);
      CREATE TABLE trend_series (id INTEGER PRIMARY KEY, element_id TEXT NOT NULL, param_id TEXT NOT NULL, row_key TEXT NOT NULL, UNIQUE (element_id, param_id, row_key));
      CREATE TABLE trend_points (series_id INTEGER NOT NULL, t INTEGER NOT NULL, v REAL NOT NULL, PRIMARY KEY (series_id, t)) WITHOUT ROWID;
      CREATE TABLE trend_rollups (series_id INTEGER NOT NULL, window INTEGER NOT NULL, t INTEGER NOT NULL, sum REAL NOT NULL, min REAL NOT NULL, max REAL NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (series_id, window, t)) WITHOUT ROWID;
      CREATE INDEX trend_rollups_time ON trend_rollups (window, t);
      INSERT INTO trend_series VALUES (1, 'enc-1', 'bitrate', ''), (2, 'enc-1', 'rtt', '');`);
    const insert = db.prepare('INSERT INTO trend_points VALUES (1, ?, ?)');
    for (let i = 0; i < 10; i++) insert.run(START + i * 45_000, i);
    const insertBucket = db.prepare('INSERT INTO trend_rollups VALUES (?, ?, ?, ?, 1, 9, 3)');
    for (const seriesId of [1, 2]) for (let i = 0; i < 6; i++) insertBucket.run(seriesId, 5 * MINUTE, START + i * 5 * MINUTE, seriesId * 100 + i);
    insertBucket.run(1, HOUR, START, 42);
    const store = new TrendStore(db);
    expect(store.points(1, 0, Number.MAX_SAFE_INTEGER, 100)).toEqual(Array.from({ length: 10 }, (_, i) => ({ t: START + i * 45_000, v: i })));
    expect(db.prepare('SELECT DISTINCT block FROM trend_points ORDER BY block').pluck().all()).toEqual(
      Array.from({ length: 10 }, (_, i) => Math.floor((START + i * 45_000) / 10_000)),
    );
    // The rollups, now by window and time, answer as before; the index they needed is gone.
    expect(store.buckets(2, 5 * MINUTE, 0, Number.MAX_SAFE_INTEGER, 100)).toEqual(
      Array.from({ length: 6 }, (_, i) => ({ t: START + i * 5 * MINUTE, sum: 200 + i, min: 1, max: 9, count: 3 })),
    );
    expect(store.bucket(1, HOUR, START)).toEqual({ sum: 42, min: 1, max: 9, count: 3 });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE tbl_name = 'trend_rollups' AND type = 'index' AND sql IS NOT NULL").all()).toEqual([]);
    db.close();
  });
});

describe('TrendStore rollups', () => {
  let db: SqliteDatabase;
  let store: TrendStore;
  const starts = (buckets: { t: number }[]): number[] => buckets.map((one) => one.t);
  beforeEach(() => {
    db = openSqlite(':memory:');
    store = new TrendStore(db);
    // Six hours of 5-minute and hourly buckets and a daily one for three series, the third of
    // another element, written as history builds up: every series' bucket at each edge.
    const buckets: Bucket[] = [];
    for (let t = START; t < START + 6 * HOUR; t += 5 * MINUTE) {
      for (const window of WINDOWS) if (t % window === 0 || t === START) for (const seriesId of [1, 2, 3]) buckets.push(bucket(seriesId, window, t - (t % window)));
    }
    store.write({
      series: [
        { id: 1, elementId: 'enc-1', paramId: 'bitrate', rowKey: '' },
        { id: 2, elementId: 'enc-1', paramId: 'rtt', rowKey: '' },
        { id: 3, elementId: 'enc-2', paramId: 'bitrate', rowKey: '' },
      ],
      points: pointColumns([]),
      buckets: bucketColumns(buckets),
      removedElements: [],
    });
  });
  afterEach(() => db.close());

  it('answers a series\' buckets of one window in [from, to], oldest first, and no other series\' or window\'s', () => {
    const all = store.buckets(2, 5 * MINUTE, 0, Number.MAX_SAFE_INTEGER, 10_000);
    expect(starts(all)).toEqual(Array.from({ length: 72 }, (_, i) => START + i * 5 * MINUTE));
    expect(all.every((one) => one.sum === 2 && one.count === 3)).toBe(true);
    expect(starts(store.buckets(1, HOUR, 0, Number.MAX_SAFE_INTEGER, 10_000))).toEqual(Array.from({ length: 6 }, (_, i) => START + i * HOUR));
    expect(starts(store.buckets(3, 24 * HOUR, 0, Number.MAX_SAFE_INTEGER, 10_000))).toEqual([START - (START % (24 * HOUR))]);
    // Bounds are inclusive and need not fall on an edge.
    expect(starts(store.buckets(1, HOUR, START + HOUR, START + 3 * HOUR - 1, 10_000))).toEqual([START + HOUR, START + 2 * HOUR]);
    expect(starts(store.buckets(1, 5 * MINUTE, START + 7 * MINUTE, START + 20 * MINUTE, 10_000))).toEqual([START + 10 * MINUTE, START + 15 * MINUTE, START + 20 * MINUTE]);
  });

  it('keeps the newest buckets when there are more than the limit, and answers nothing outside those held', () => {
    expect(starts(store.buckets(1, 5 * MINUTE, START, START + 6 * HOUR, 4))).toEqual([40, 45, 50, 55].map((m) => START + 5 * HOUR + m * MINUTE));
    expect(store.buckets(1, 5 * MINUTE, START - HOUR, START - 1, 100)).toEqual([]);
    expect(store.buckets(1, 5 * MINUTE, START + 7 * HOUR, START + 8 * HOUR, 100)).toEqual([]);
    expect(store.buckets(9, 5 * MINUTE, 0, Number.MAX_SAFE_INTEGER, 100)).toEqual([]);
    expect(store.buckets(1, 7 * MINUTE, 0, Number.MAX_SAFE_INTEGER, 100)).toEqual([]);
    const empty = openSqlite(':memory:');
    expect(new TrendStore(empty).buckets(1, 5 * MINUTE, 0, Number.MAX_SAFE_INTEGER, 100)).toEqual([]);
    empty.close();
  });

  it('updates a bucket written again, and prunes a window\'s buckets before its cutoff only', () => {
    store.write({ series: [], points: pointColumns([]), buckets: bucketColumns([bucket(1, HOUR, START + HOUR, 77)]), removedElements: [] });
    expect(store.bucket(1, HOUR, START + HOUR)).toEqual({ sum: 77, min: 1, max: 2, count: 3 });
    store.write({ series: [], points: pointColumns([]), buckets: bucketColumns([]), removedElements: [], prune: { pointsBefore: 0, bucketsBefore: [{ window: 5 * MINUTE, before: START + HOUR }] } });
    expect(starts(store.buckets(1, 5 * MINUTE, 0, Number.MAX_SAFE_INTEGER, 100))[0]).toBe(START + HOUR);
    expect(store.buckets(1, HOUR, 0, Number.MAX_SAFE_INTEGER, 100)).toHaveLength(6);
  });

  it('removes the buckets of every element a batch removes, in every window, and only theirs', () => {
    store.write({ series: [], points: pointColumns([]), buckets: bucketColumns([]), removedElements: ['enc-1', 'never-trended'] });
    for (const window of WINDOWS) {
      expect(store.buckets(1, window, 0, Number.MAX_SAFE_INTEGER, 100)).toEqual([]);
      expect(store.buckets(2, window, 0, Number.MAX_SAFE_INTEGER, 100)).toEqual([]);
    }
    expect(db.prepare('SELECT COUNT(*) FROM trend_rollups').pluck().get()).toBe(72 + 6 + 1);
    expect(db.prepare('SELECT DISTINCT series_id FROM trend_rollups').pluck().all()).toEqual([3]);
  });
});

describe('TrendStore rollup writes as history grows', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('rewrites as many pages for a checkpoint of open buckets after twelve hours of history as after one', () => {
    dir = mkdtempSync(join(tmpdir(), 'tally-rollups-'));
    const db = openSqlite(join(dir, 'tally.db'));
    const store = new TrendStore(db);
    const series = 4 * SERIES_PER_BLOCK;
    const ids = Array.from({ length: series }, (_, i) => i + 1);
    const write = (buckets: Bucket[]): void => store.write({ series: [], points: pointColumns([]), buckets: bucketColumns(buckets), removedElements: [] });
    const historyTo = (from: number, to: number): void => {
      for (let t = from; t < to; t += 5 * MINUTE) write(WINDOWS.filter((window) => t % window === 0 || t === START).flatMap((window) => ids.map((id) => bucket(id, window, t - (t % window)))));
    };
    // One checkpoint's flush: every open bucket of one block of consecutive series, as the trend engine writes them.
    const pagesOfCheckpoint = (now: number): number => {
      db.pragma('wal_checkpoint(TRUNCATE)');
      write(WINDOWS.flatMap((window) => ids.slice(SERIES_PER_BLOCK, 2 * SERIES_PER_BLOCK).map((id) => bucket(id, window, now - (now % window), 5))));
      const [{ log }] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
      return log;
    };
    historyTo(START, START + HOUR);
    const afterAnHour = pagesOfCheckpoint(START + HOUR - MINUTE);
    historyTo(START + HOUR, START + 12 * HOUR);
    const afterTwelveHours = pagesOfCheckpoint(START + 12 * HOUR - MINUTE);
    db.close();
    // Keyed by series first, each series' open buckets sit after all its earlier ones: the pages grew with the history.
    expect(afterTwelveHours).toBeLessThanOrEqual(afterAnHour + 2);
  });
});
