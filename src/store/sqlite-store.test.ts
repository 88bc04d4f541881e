import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TrendStore, bucketColumns, pointColumns, type TrendBatch } from '../trends/trend-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { ElementRecord, InfoEvent, ValueBatch } from './types.js';

function element(id: string, overrides: Partial<ElementRecord> = {}): ElementRecord {
  return {
    id,
    name: `Encoder ${id}`,
    connector: 'haivision-manager',
    connection: {
      host: '10.0.0.5',
      port: 443,
      tls: true,
      skipTlsVerify: false,
      deviceAddress: 'ByPassProxy',
      requestTimeout: 5000,
      elementTimeout: 30000,
      retries: 2,
    },
    config: { customerName: 'ACME', pollFast: true },
    sealedSecrets: { apiKey: 'v1:aaa:bbb:ccc' },
    pollIntervals: { status: 5000 },
    operatorState: 'active',
    createdAt: 1000,
    updatedAt: 2000,
    ...overrides,
  };
}

function batch(parts: Partial<ValueBatch>): ValueBatch {
  return { params: [], rows: [], deletedRows: [], events: [], ...parts };
}

function event(time: number, elementId: string | null, kind: InfoEvent['kind'], message = `at ${time}`): InfoEvent {
  return { time, elementId, kind, user: 'alice', message };
}

/** Counts to two million, then inserts none of it: a few hundred ms of work for whichever connection runs it. */
const SLOW_INSERT_OF_NOTHING = `INSERT INTO notes (text) SELECT x FROM
  (WITH RECURSIVE c (x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000) SELECT x FROM c) WHERE x < 0`;

describe.each([
  ['writing on the event loop', false],
  ['writing on its write thread', true],
])('SqliteStore, %s', (_mode, writeThread) => {
  let dir: string;
  const open = (path = join(dir, 'tally.db')) => SqliteStore.open(path, { writeThread });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tally-store-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps configuration, last values and rows across a restart', async () => {
    const path = join(dir, 'tally.db');
    const store = open(path);
    await store.saveElement(element('enc-1'));
    await store.writeBatch(
      batch({
        params: [
          { elementId: 'enc-1', paramId: 'bitrate', value: 8.5, updatedAt: 3000 },
          { elementId: 'enc-1', paramId: 'status', value: 'streaming', updatedAt: 3000 },
          { elementId: 'enc-1', paramId: 'lastError', value: null, updatedAt: 3000 },
        ],
        rows: [
          {
            elementId: 'enc-1',
            tableId: 'streams',
            key: 's1',
            displayKey: 'Main',
            cells: { state: 'running', bitrate: 6000, enabled: true },
            updatedAt: 3000,
          },
        ],
      }),
    );
    await store.setSetting('adminTokenHash', 'abc');
    await store.close();

    const reopened = open(path);
    expect(await reopened.listElements()).toEqual([element('enc-1')]);
    expect(await reopened.getElement('enc-1')).toEqual(element('enc-1'));
    expect(await reopened.getElement('nope')).toBeUndefined();
    const values = await reopened.loadValues('enc-1');
    expect(values.params.sort((a, b) => a.paramId.localeCompare(b.paramId))).toEqual([
      { elementId: 'enc-1', paramId: 'bitrate', value: 8.5, updatedAt: 3000 },
      { elementId: 'enc-1', paramId: 'lastError', value: null, updatedAt: 3000 },
      { elementId: 'enc-1', paramId: 'status', value: 'streaming', updatedAt: 3000 },
    ]);
    expect(values.rows).toEqual([
      {
        elementId: 'enc-1',
        tableId: 'streams',
        key: 's1',
        displayKey: 'Main',
        cells: { state: 'running', bitrate: 6000, enabled: true },
        updatedAt: 3000,
      },
    ]);
    expect(await reopened.getSetting('adminTokenHash')).toBe('abc');
    expect(await reopened.getSetting('missing')).toBeUndefined();
    await reopened.close();
  });

  it('runs its migrations once: re-opening and migrate() change nothing', async () => {
    const path = join(dir, 'tally.db');
    const store = open(path);
    await store.saveElement(element('enc-1'));
    await store.migrate();
    await store.close();
    const reopened = open(path);
    await reopened.migrate();
    const applied = reopened.db.prepare("SELECT version FROM schema_migrations WHERE namespace = 'core'").all();
    expect(applied).toEqual([{ version: 1 }]);
    expect((await reopened.listElements()).map((e) => e.id)).toEqual(['enc-1']);
    await reopened.close();
  });

  it('upserts: saving and writing again replaces, not duplicates', async () => {
    const store = open();
    await store.saveElement(element('enc-1'));
    await store.saveElement(element('enc-1', { name: 'Renamed', operatorState: 'paused', updatedAt: 5000 }));
    await store.writeBatch(batch({ params: [{ elementId: 'enc-1', paramId: 'bitrate', value: 1, updatedAt: 1 }] }));
    await store.writeBatch(batch({ params: [{ elementId: 'enc-1', paramId: 'bitrate', value: 2, updatedAt: 2 }] }));
    const [saved] = await store.listElements();
    expect(saved).toMatchObject({ name: 'Renamed', operatorState: 'paused', updatedAt: 5000 });
    expect((await store.loadValues('enc-1')).params).toEqual([
      { elementId: 'enc-1', paramId: 'bitrate', value: 2, updatedAt: 2 },
    ]);
    await store.setSetting('k', 'one');
    await store.setSetting('k', 'two');
    expect(await store.getSetting('k')).toBe('two');
    await store.close();
  });

  it('writes a batch atomically: a failing batch leaves nothing behind', async () => {
    const store = open();
    await store.saveElement(element('enc-1'));
    const broken = batch({
      params: [{ elementId: 'enc-1', paramId: 'bitrate', value: 9, updatedAt: 1 }],
      events: [event(1, 'enc-1', 'set'), { ...event(2, 'enc-1', 'set'), message: null as unknown as string }],
    });
    await expect(store.writeBatch(broken)).rejects.toThrow(/NOT NULL/);
    expect((await store.loadValues('enc-1')).params).toEqual([]);
    expect(await store.listEvents({})).toEqual([]);
    await store.close();
  });

  it('deletes table rows and removes an element with its values but keeps its events', async () => {
    const store = open();
    await store.saveElement(element('enc-1'));
    await store.saveElement(element('enc-2'));
    const row = (key: string) => ({
      elementId: 'enc-1',
      tableId: 'streams',
      key,
      displayKey: key,
      cells: {},
      updatedAt: 1,
    });
    await store.writeBatch(
      batch({
        rows: [row('a'), row('b'), { ...row('a'), elementId: 'enc-2' }],
        params: [
          { elementId: 'enc-1', paramId: 'p', value: 1, updatedAt: 1 },
          { elementId: 'enc-2', paramId: 'p', value: 2, updatedAt: 1 },
        ],
        events: [event(1, 'enc-1', 'config', 'created')],
      }),
    );
    await store.writeBatch(batch({ deletedRows: [{ elementId: 'enc-1', tableId: 'streams', key: 'a' }] }));
    expect((await store.loadValues('enc-1')).rows.map((r) => r.key)).toEqual(['b']);

    await store.deleteElement('enc-1');
    expect(await store.getElement('enc-1')).toBeUndefined();
    expect(await store.loadValues('enc-1')).toEqual({ params: [], rows: [] });
    expect((await store.loadValues('enc-2')).params).toHaveLength(1);
    expect((await store.loadValues('enc-2')).rows).toHaveLength(1);
    expect((await store.listEvents({ elementId: 'enc-1' })).map((e) => e.message)).toEqual(['created']);

    // A late write for the deleted element (still buffered somewhere) must not resurrect it.
    await store.writeBatch(batch({ params: [{ elementId: 'enc-1', paramId: 'p', value: 3, updatedAt: 2 }], rows: [row('c')] }));
    expect(await store.loadValues('enc-1')).toEqual({ params: [], rows: [] });
    await store.close();
  });

  it('queries events by element, kind and time range, newest first, limited', async () => {
    const store = open();
    await store.writeBatch(
      batch({
        events: [
          event(100, 'enc-1', 'state'),
          event(200, 'enc-1', 'set'),
          event(300, 'enc-2', 'set'),
          event(400, null, 'info'),
          { ...event(500, 'enc-1', 'action'), details: { action: 'restart', inputs: { row: 's1' } } },
        ],
      }),
    );
    const times = async (q: Parameters<SqliteStore['listEvents']>[0]) => (await store.listEvents(q)).map((e) => e.time);
    expect(await times({})).toEqual([500, 400, 300, 200, 100]);
    expect(await times({ elementId: 'enc-1' })).toEqual([500, 200, 100]);
    expect(await times({ kind: 'set' })).toEqual([300, 200]);
    expect(await times({ from: 200, to: 400 })).toEqual([400, 300, 200]);
    expect(await times({ elementId: 'enc-1', from: 150 })).toEqual([500, 200]);
    expect(await times({ limit: 2 })).toEqual([500, 400]);
    const [newest] = await store.listEvents({ limit: 1 });
    expect(newest).toMatchObject({
      elementId: 'enc-1',
      kind: 'action',
      user: 'alice',
      details: { action: 'restart', inputs: { row: 's1' } },
    });
    expect(typeof newest.id).toBe('number');
    const [system] = await store.listEvents({ kind: 'info' });
    expect(system.elementId).toBeNull();
    expect(system).not.toHaveProperty('details');
    await store.close();
  });

  it('goes on writing after a failed batch', async () => {
    const store = open();
    await store.saveElement(element('enc-1'));
    const broken = batch({ events: [{ ...event(1, 'enc-1', 'set'), message: null as unknown as string }] });
    await expect(store.writeBatch(broken)).rejects.toThrow(/NOT NULL/);
    await store.writeBatch(batch({ params: [{ elementId: 'enc-1', paramId: 'p', value: 1, updatedAt: 1 }] }));
    expect((await store.loadValues('enc-1')).params).toHaveLength(1);
    await store.close();
  });

  it('writes trend batches once the trend engine has created their tables', async () => {
    const store = open();
    const trends: TrendBatch = {
      series: [{ id: 1, elementId: 'enc-1', paramId: 'temperature', rowKey: '' }],
      points: pointColumns([{ seriesId: 1, t: 1000, v: 21.5 }]),
      buckets: bucketColumns([{ seriesId: 1, window: 300_000, t: 0, sum: 21.5, min: 21.5, max: 21.5, count: 1 }]),
      removedElements: [],
    };
    await expect(store.writeTrends(trends)).rejects.toThrow(/no such table/);
    new TrendStore(store.db);
    await store.writeTrends(trends);
    expect(store.db.prepare('SELECT series_id, t, v FROM trend_points').all()).toEqual([{ series_id: 1, t: 1000, v: 21.5 }]);
    expect(store.db.prepare('SELECT count FROM trend_rollups').pluck().all()).toEqual([1]);
    await store.close();
  });

  it('prunes trend points a minute per transaction, keeping the newer ones, those of the cutoff minute too', async () => {
    const store = open();
    new TrendStore(store.db);
    store.db.exec('CREATE TABLE notes (text TEXT)');
    const series = 50;
    const minute = 60_000;
    // Points every 20 s for five minutes; the cutoff falls 30 s into the fourth minute.
    const times = Array.from({ length: 15 }, (_, i) => 10 * minute + i * 20_000);
    const cutoff = 13 * minute + 30_000;
    await store.writeTrends({
      series: Array.from({ length: series }, (_, i) => ({ id: i + 1, elementId: 'enc-1', paramId: `p${i + 1}`, rowKey: '' })),
      points: pointColumns(times.flatMap((t) => Array.from({ length: series }, (_, i) => ({ seriesId: i + 1, t, v: 1 })))),
      buckets: bucketColumns([]),
      removedElements: [],
    });
    const finished: string[] = [];
    const prune = { pointsBefore: cutoff, bucketsBefore: [] };
    // A long statement first keeps the thread busy while the prune and the note are sent, so
    // both wait in its queue together, whatever the scheduling (it inserts nothing).
    const busy = store.statementWriter.run([{ sql: SLOW_INSERT_OF_NOTHING, params: [] }]);
    const pruned = store.writeTrends({ series: [], points: pointColumns([]), buckets: bucketColumns([]), removedElements: [], prune }).then(() => finished.push('prune'));
    const noted = store.statementWriter.run([{ sql: 'INSERT INTO notes VALUES (?)', params: ['sent during the prune'] }]).then(() => finished.push('note'));
    await busy;
    await Promise.all([pruned, noted]);
    const kept = times.filter((t) => t >= cutoff);
    expect(store.db.prepare('SELECT DISTINCT t FROM trend_points ORDER BY t').pluck().all()).toEqual(kept);
    expect(store.db.prepare('SELECT COUNT(*) FROM trend_points').pluck().get()).toBe(series * kept.length);
    // On the write thread a write sent after the prune is committed between its steps, not after them all.
    expect(finished).toEqual(writeThread ? ['note', 'prune'] : ['prune', 'note']);
    await store.close();
  });

  it('saves configuration where the values go: never on the main connection when there is a write thread', async () => {
    const store = open();
    const changesOnMain = () => (store.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    const before = changesOnMain();
    await store.saveElement(element('enc-1'));
    await store.saveElement({ ...element('enc-1'), name: 'renamed' });
    // Committed when the save resolves: the main connection reads it at once.
    expect((await store.getElement('enc-1'))?.name).toBe('renamed');
    expect(changesOnMain() - before).toBe(writeThread ? 0 : 2);
    await store.close();
  });

  it('has committed a batch once its write resolves: another connection sees it', async () => {
    const path = join(dir, 'tally.db');
    const store = open(path);
    await store.saveElement(element('enc-1'));
    await store.writeBatch(batch({ params: [{ elementId: 'enc-1', paramId: 'p', value: 7, updatedAt: 1 }] }));
    const reader = SqliteStore.open(path);
    expect((await reader.loadValues('enc-1')).params).toEqual([{ elementId: 'enc-1', paramId: 'p', value: 7, updatedAt: 1 }]);
    await reader.close();
    await store.close();
  });
});
