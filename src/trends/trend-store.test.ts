import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite, type SqliteDatabase } from '../store/sqlite-database.js';
import { BLOCKS_HELD_SQL, TrendStore, bucketColumns, pointColumns } from './trend-store.js';

const MINUTE = 60_000;
const START = Date.UTC(2026, 11, 1, 10, 0, 0);

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
      INSERT INTO trend_series VALUES (1, 'enc-1', 'bitrate', '');`);
    const insert = db.prepare('INSERT INTO trend_points VALUES (1, ?, ?)');
    for (let i = 0; i < 10; i++) insert.run(START + i * 45_000, i);
    const store = new TrendStore(db);
    expect(store.points(1, 0, Number.MAX_SAFE_INTEGER, 100)).toEqual(Array.from({ length: 10 }, (_, i) => ({ t: START + i * 45_000, v: i })));
    expect(db.prepare('SELECT DISTINCT block FROM trend_points ORDER BY block').pluck().all()).toEqual(
      Array.from({ length: 10 }, (_, i) => Math.floor((START + i * 45_000) / 10_000)),
    );
    db.close();
  });
});
