import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TrendEngine, type TrendEngineOptions, type TrendResult } from '../src/trends/trend-engine.js';
import { prepareTrendWrites, writeAtOnce, type TrendBatch } from '../src/trends/trend-store.js';
import { SERIES_PER_BLOCK } from '../src/trends/checkpoint-wheel.js';
import { openSqlite, type SqliteDatabase } from '../src/store/sqlite-database.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { FakeRuntime, connectors, elementView, rowView } from './alarms-fixtures.js';

const E = 'enc-1';
const T0 = Date.parse('2026-03-02T10:00:00Z');
const MIN = 60_000;
const DAY = 86_400_000;

/** The points of a raw answer; any other window fails the test. */
function rawPoints(result: TrendResult): Extract<TrendResult, { window: 'raw' }>['points'] {
  if (result.window !== 'raw') throw new Error(`expected raw points, got the ${result.window} window`);
  return result.points;
}

/** The buckets of a rollup answer; raw points fail the test. */
function rollupPoints(result: TrendResult): Exclude<TrendResult, { window: 'raw' }>['points'] {
  if (result.window === 'raw') throw new Error('expected rollup buckets, got raw points');
  return result.points;
}

describe('trend engine', () => {
  let db: SqliteDatabase;
  let runtime: FakeRuntime;
  let trends: TrendEngine;

  const open = (database: SqliteDatabase, options: Partial<TrendEngineOptions> = {}): TrendEngine => {
    const engine = new TrendEngine({ db: database, bus: runtime.bus, connectors, elements: (id) => (id === E ? elementView(E) : undefined), ...options });
    engine.start();
    return engine;
  };
  const temperature = (value: number | null, at: number, stale = false) => runtime.params(E, { temperature: value }, { updatedAt: at, stale });

  beforeEach(() => {
    db = openSqlite(':memory:');
    runtime = new FakeRuntime();
    trends = open(db);
    runtime.state(E, 'active');
  });

  afterEach(async () => {
    await trends.stop();
    db.close();
  });

  it('keeps real-time points on change and rolls them up per 5 minutes, hour and day', async () => {
    temperature(10, T0);
    temperature(20, T0 + MIN);
    temperature(20, T0 + 2 * MIN);
    temperature(30, T0 + 3 * MIN);
    temperature(40, T0 + 6 * MIN);
    const range = { from: T0 - DAY, to: T0 + DAY };

    expect((await trends.query(E, 'temperature', { ...range, window: 'raw' })).points).toEqual([
      { t: T0, v: 10 },
      { t: T0 + MIN, v: 20 },
      { t: T0 + 3 * MIN, v: 30 },
      { t: T0 + 6 * MIN, v: 40 },
    ]);
    // The second bucket starts with the 30 that held when it began.
    expect((await trends.query(E, 'temperature', { ...range, window: '5m' })).points).toEqual([
      { t: T0, avg: 20, min: 10, max: 30, count: 3 },
      { t: T0 + 5 * MIN, avg: 35, min: 30, max: 40, count: 2 },
    ]);
    expect((await trends.query(E, 'temperature', { ...range, window: '1h' })).points).toEqual([{ t: T0, avg: 25, min: 10, max: 40, count: 4 }]);
    expect((await trends.query(E, 'temperature', { ...range, window: '1d' })).points).toEqual([
      { t: Date.parse('2026-03-02T00:00:00Z'), avg: 25, min: 10, max: 40, count: 4 },
    ]);
  });

  it('trends table cells per row and lists what is trended', async () => {
    runtime.rows(E, [rowView('o1', 'SDI 1', { bitrate: 5000 }, { updatedAt: T0 }), rowView('o2', 'SDI 2', { bitrate: 8000 }, { updatedAt: T0 })]);
    runtime.rows(E, [rowView('o1', 'SDI 1', { bitrate: 5200 }, { updatedAt: T0 + MIN }), rowView('o2', 'SDI 2', { bitrate: 8000 }, { updatedAt: T0 + MIN })]);
    const range = { from: T0, to: T0 + DAY, window: 'raw' as const };
    expect(rawPoints(await trends.query(E, 'outputs.bitrate', { ...range, row: 'o1' })).map((p) => p.v)).toEqual([5000, 5200]);
    expect(rawPoints(await trends.query(E, 'outputs.bitrate', { ...range, row: 'o2' })).map((p) => p.v)).toEqual([8000]);
    expect(trends.trendedIds(E)).toEqual(['temperature', 'outputs.bitrate']);
    await expect(trends.query(E, 'health')).rejects.toThrow(/no trended parameter "health"/);
    await expect(trends.query('nope', 'temperature')).rejects.toThrow(/no element "nope"/);
  });

  it('ignores stale values and does not carry a value over a timeout', async () => {
    temperature(10, T0);
    temperature(99, T0 + MIN, true);
    runtime.state(E, 'timeout', 'no answer');
    temperature(98, T0 + 2 * MIN, true);
    runtime.state(E, 'active');
    temperature(50, T0 + 11 * MIN);
    const range = { from: T0, to: T0 + DAY };
    expect(rawPoints(await trends.query(E, 'temperature', { ...range, window: 'raw' })).map((p) => p.v)).toEqual([10, 50]);
    // No 10 seeded into the bucket after the gap.
    expect(rollupPoints(await trends.query(E, 'temperature', { ...range, window: '5m' })).map((p) => [p.min, p.max, p.count])).toEqual([
      [10, 10, 1],
      [50, 50, 1],
    ]);
  });

  it('prunes each window after its own retention', async () => {
    const now = T0 + 400 * DAY;
    temperature(1, now - 367 * DAY);
    temperature(2, now - 40 * DAY);
    temperature(3, now - 2 * DAY);
    temperature(4, now - 60 * MIN);
    const range = { from: 0, to: now };
    expect((await trends.query(E, 'temperature', { ...range, window: 'raw' })).points).toHaveLength(4);
    await trends.prune(now);
    expect(rawPoints(await trends.query(E, 'temperature', { ...range, window: 'raw' })).map((p) => p.v)).toEqual([4]);
    expect(rollupPoints(await trends.query(E, 'temperature', { ...range, window: '5m' })).map((p) => p.max)).toEqual([3, 4]);
    expect(rollupPoints(await trends.query(E, 'temperature', { ...range, window: '1h' })).map((p) => p.max)).toEqual([2, 3, 4]);
    expect(rollupPoints(await trends.query(E, 'temperature', { ...range, window: '1d' })).map((p) => p.max)).toEqual([2, 3, 4]);
  });

  it('leaves the open buckets to their checkpoints when it prunes, every ten minutes', async () => {
    await trends.stop();
    trends = open(db, { clock: () => T0 + 1 });
    runtime.state(E, 'active');
    temperature(10, T0);
    await trends.prune(T0 + 1);
    expect(db.prepare('SELECT COUNT(*) AS n FROM trend_points').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM trend_rollups').get()).toEqual({ n: 0 });
  });

  it('honours configured retention', async () => {
    await trends.stop();
    trends = new TrendEngine({ db, bus: runtime.bus, connectors, retentionDays: { raw: 3 } });
    trends.start();
    runtime.state(E, 'active');
    const now = T0 + 10 * DAY;
    temperature(1, now - 2 * DAY);
    await trends.prune(now);
    expect((await trends.query(E, 'temperature', { from: 0, to: now, window: 'raw' })).points).toHaveLength(1);
  });

  it('picks a window from the span when none is asked for', async () => {
    temperature(10, T0);
    expect((await trends.query(E, 'temperature', { from: T0 - MIN, to: T0 + MIN })).window).toBe('raw');
    expect((await trends.query(E, 'temperature', { from: T0 - 3 * DAY, to: T0 })).window).toBe('5m');
    expect((await trends.query(E, 'temperature', { from: T0 - 30 * DAY, to: T0 })).window).toBe('1h');
    expect((await trends.query(E, 'temperature', { from: T0 - 300 * DAY, to: T0 })).window).toBe('1d');
  });

  it('keeps rollups across a restart and completes the open bucket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tally-trends-'));
    try {
      const first = openSqlite(join(dir, 'tally.db'));
      let engine = open(first);
      temperature(10, T0);
      temperature(20, T0 + MIN);
      await engine.stop();
      first.close();

      const second = openSqlite(join(dir, 'tally.db'));
      engine = open(second);
      runtime.state(E, 'active');
      temperature(60, T0 + 2 * MIN);
      expect((await engine.query(E, 'temperature', { from: T0, to: T0 + DAY, window: '5m' })).points).toEqual([{ t: T0, avg: 30, min: 10, max: 60, count: 3 }]);
      expect(rawPoints(await engine.query(E, 'temperature', { from: T0, to: T0 + DAY, window: 'raw' })).map((p) => p.v)).toEqual([10, 20, 60]);
      await engine.stop();
      second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes open buckets at checkpoints only, but shows them in queries at once', async () => {
    await trends.stop();
    // Just past the minute: the series' checkpoint moment is a minute away.
    trends = open(db, { clock: () => T0 + 1 });
    runtime.state(E, 'active');
    const rollupRows = () => (db.prepare('SELECT COUNT(*) AS n FROM trend_rollups').get() as { n: number }).n;
    temperature(10, T0);
    temperature(20, T0 + MIN);
    await trends.flush(false);
    expect(rollupRows()).toBe(0);
    expect((await trends.query(E, 'temperature', { from: T0, to: T0 + DAY, window: '5m' })).points).toEqual([{ t: T0, avg: 15, min: 10, max: 20, count: 2 }]);
    // A new bucket closes the old one: it is written with the next flush, checkpoint or not.
    temperature(30, T0 + 5 * MIN);
    await trends.flush(false);
    expect(db.prepare('SELECT t, count FROM trend_rollups WHERE window = 300000').all()).toEqual([{ t: T0, count: 2 }]);
    await trends.flush();
    expect(rollupRows()).toBe(4);
  });

  it('writes the open buckets of a row that left its table with the next flush, checkpoint or not', async () => {
    await trends.stop();
    trends = open(db, { clock: () => T0 + 1 });
    runtime.state(E, 'active');
    runtime.rows(E, [rowView('o1', 'SDI 1', { bitrate: 5000 }, { updatedAt: T0 }), rowView('o2', 'SDI 2', { bitrate: 8000 }, { updatedAt: T0 })]);
    runtime.rows(E, [rowView('o1', 'SDI 1', { bitrate: 6000 }, { updatedAt: T0 + MIN })], ['o2']);
    await trends.flush(false);
    const written = db.prepare('SELECT window, t, sum, count FROM trend_rollups ORDER BY window').all();
    expect(written).toEqual([300_000, 3_600_000, 86_400_000].map((window) => ({ window, t: window === 86_400_000 ? T0 - (T0 % DAY) : T0, sum: 8000, count: 1 })));
    // The row that stayed is written at its checkpoint, and a row coming back starts afresh.
    runtime.rows(E, [rowView('o2', 'SDI 2', { bitrate: 9000 }, { updatedAt: T0 + 2 * MIN })]);
    await trends.flush();
    const buckets = rollupPoints(await trends.query(E, 'outputs.bitrate', { from: T0, to: T0 + DAY, window: '5m', row: 'o1' }));
    expect(buckets).toEqual([{ t: T0, avg: 5500, min: 5000, max: 6000, count: 2 }]);
    const back = rollupPoints(await trends.query(E, 'outputs.bitrate', { from: T0, to: T0 + DAY, window: '5m', row: 'o2' }));
    expect(back.map((bucket) => bucket.max)).toEqual([9000]);
  });

  it('spreads the open buckets of many series over the checkpoint period, each written within it', async () => {
    await trends.stop();
    let clock = T0;
    /** Buckets written per second of the minute. */
    const bucketsPerFlush = new Array<number>(61).fill(0);
    const store = prepareTrendWrites(db);
    trends = open(db, {
      clock: () => clock,
      write: async (batch) => {
        bucketsPerFlush[(clock - T0) / 1000] += batch.buckets.seriesId.length;
        writeAtOnce(store, batch);
      },
    });
    runtime.state(E, 'active');
    const outputs = (bitrate: number) => Array.from({ length: 20 * SERIES_PER_BLOCK }, (_, i) => rowView(`o${i}`, `SDI ${i}`, { bitrate: bitrate + i }, { updatedAt: clock }));
    runtime.rows(E, outputs(5000));
    // Flushes a second apart for a minute, as the flush timer makes them while points arrive.
    for (let second = 1; second <= 60; second++) {
      clock = T0 + second * 1000;
      await trends.flush(false);
    }
    // 20 blocks of series, three open buckets each, all written within the minute...
    const series = 20 * SERIES_PER_BLOCK;
    expect(bucketsPerFlush.reduce((sum, count) => sum + count, 0)).toBe(3 * series);
    // ...a block or two a flush, spread over it; all at once, as before, would be every one in one flush.
    expect(bucketsPerFlush.filter((count) => count > 0).length).toBeGreaterThanOrEqual(15);
    expect(Math.max(...bucketsPerFlush)).toBeLessThanOrEqual(2 * 3 * SERIES_PER_BLOCK);
    const stored = db.prepare('SELECT window, COUNT(*) AS n, SUM(count) AS samples FROM trend_rollups GROUP BY window ORDER BY window').all();
    expect(stored).toEqual([300_000, 3_600_000, 86_400_000].map((window) => ({ window, n: series, samples: series })));
  });

  it('keeps the batch when a write fails and writes it with the next flush', async () => {
    await trends.stop();
    const errors: unknown[] = [];
    trends = new TrendEngine({ db, bus: runtime.bus, connectors, onWriteError: (error) => errors.push(error) });
    trends.start();
    runtime.state(E, 'active');
    db.exec("CREATE TRIGGER refuse BEFORE INSERT ON trend_points BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    temperature(10, T0);
    await trends.flush();
    expect(String(errors[0])).toMatch(/disk full/);
    db.exec('DROP TRIGGER refuse');
    temperature(20, T0 + MIN);
    expect(rawPoints(await trends.query(E, 'temperature', { from: T0, to: T0 + DAY, window: 'raw' })).map((p) => p.v)).toEqual([10, 20]);
  });

  it('writes through the store write thread: queries see every point, and they outlive the process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tally-trends-'));
    const path = join(dir, 'tally.db');
    try {
      const store = SqliteStore.open(path, { writeThread: true });
      // The thread starts before the trend tables exist, as in Tally: it must prepare its trend statements later.
      await store.writeBatch({ params: [], rows: [], deletedRows: [], events: [] });
      const engine = open(store.db, { write: (batch) => store.writeTrends(batch) });
      const mainConnectionChanges = () => (store.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
      const before = mainConnectionChanges();
      temperature(10, T0);
      temperature(20, T0 + MIN);
      temperature(30, T0 + 6 * MIN);
      expect(rawPoints(await engine.query(E, 'temperature', { from: T0, to: T0 + DAY, window: 'raw' })).map((p) => p.v)).toEqual([10, 20, 30]);
      await engine.flush();
      expect(mainConnectionChanges()).toBe(before);
      expect(rollupPoints(await engine.query(E, 'temperature', { from: T0, to: T0 + DAY, window: '5m' })).map((p) => p.count)).toEqual([2, 2]);
      temperature(40, T0 + 7 * MIN);
      // Retention too is applied by the thread: raw points are kept a day by default.
      await engine.prune(T0 + DAY + 30_000);
      expect(mainConnectionChanges()).toBe(before);
      await engine.stop();
      await store.close();

      const reopened = openSqlite(path);
      expect(reopened.prepare('SELECT v FROM trend_points ORDER BY t').pluck().all()).toEqual([20, 30, 40]);
      expect(reopened.prepare('SELECT t, min, max, count FROM trend_rollups WHERE window = 300000 ORDER BY t').all()).toEqual([
        { t: T0, min: 10, max: 20, count: 2 },
        { t: T0 + 5 * MIN, min: 20, max: 40, count: 3 },
      ]);
      reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('retries a failed asynchronous write without losing points', async () => {
    await trends.stop();
    const errors: unknown[] = [];
    const writes = prepareTrendWrites(db);
    let failures = 1;
    trends = open(db, {
      write: async (batch) => {
        if (failures-- > 0) throw new Error('write thread lost');
        writeAtOnce(writes, batch);
      },
      onWriteError: (error) => errors.push(error),
    });
    runtime.state(E, 'active');
    temperature(10, T0);
    await trends.flush();
    expect(String(errors[0])).toMatch(/write thread lost/);
    temperature(20, T0 + MIN);
    expect(rawPoints(await trends.query(E, 'temperature', { from: T0, to: T0 + DAY, window: 'raw' })).map((p) => p.v)).toEqual([10, 20]);
    await trends.flush();
    expect(db.prepare('SELECT count FROM trend_rollups WHERE window = 300000').pluck().all()).toEqual([2]);
    expect(errors).toHaveLength(1);
  });

  it('keeps one batch in flight: a flush asked for meanwhile waits, and carries a failed batch before newer values', async () => {
    await trends.stop();
    // The first two writes wait until the test settles them; later ones (the final flush) succeed.
    const sent: { batch: TrendBatch; settle: (error?: Error) => void }[] = [];
    trends = open(db, {
      write: (batch) =>
        sent.length < 2
          ? new Promise((resolve, reject) => sent.push({ batch, settle: (error) => (error ? reject(error) : resolve()) }))
          : Promise.resolve(),
      onWriteError: () => {},
    });
    const idle = () => new Promise((resolve) => setImmediate(resolve));
    runtime.state(E, 'active');
    temperature(10, T0);
    const first = trends.flush();
    await idle();
    temperature(20, T0 + MIN);
    const second = trends.flush();
    await idle();
    expect(sent).toHaveLength(1);
    sent[0].settle(new Error('write thread lost'));
    await first;
    await idle();
    expect(sent).toHaveLength(2);
    const retried = sent[1].batch;
    expect([...retried.points.v]).toEqual([10, 20]);
    // The failed batch's rollups come first, so the newer ones overwrite them in the same transaction.
    expect([...retried.buckets.count].filter((_, i) => retried.buckets.window[i] === 5 * MIN)).toEqual([1, 2]);
    sent[1].settle();
    await second;
  });

  it('forgets the trends of a removed element', async () => {
    temperature(10, T0);
    await trends.flush();
    runtime.removed(E);
    await trends.flush();
    expect((db.prepare('SELECT COUNT(*) AS n FROM trend_points').get() as { n: number }).n).toBe(0);
    expect((db.prepare('SELECT COUNT(*) AS n FROM trend_rollups').get() as { n: number }).n).toBe(0);
  });

  it('writes nothing of a removed element after its removal, open buckets included', async () => {
    await trends.stop();
    trends = open(db, { clock: () => T0 + 1 });
    runtime.state(E, 'active');
    temperature(10, T0);
    runtime.removed(E);
    await trends.flush();
    expect((db.prepare('SELECT COUNT(*) AS n FROM trend_rollups').get() as { n: number }).n).toBe(0);
    expect((db.prepare('SELECT COUNT(*) AS n FROM trend_series').get() as { n: number }).n).toBe(0);
  });

  it('exposes the latest values for the metrics gauges', () => {
    temperature(42, T0);
    runtime.rows(E, [rowView('o1', 'SDI 1', { bitrate: 5000 }, { updatedAt: T0 })]);
    expect([...trends.latestValues()]).toEqual([
      { elementId: E, paramId: 'temperature', rowKey: '', displayKey: '', value: 42 },
      { elementId: E, paramId: 'outputs.bitrate', rowKey: 'o1', displayKey: 'SDI 1', value: 5000 },
    ]);
  });
});
