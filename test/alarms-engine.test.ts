import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AlarmEngine, type AlarmMessage } from '../src/alarms/alarm-engine.js';
import { openSqlite, type SqliteDatabase } from '../src/store/sqlite-database.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { TallyError } from '../src/errors.js';
import { FakeRuntime, connectors, elementView, rowView } from './alarms-fixtures.js';

const E = 'enc-1';

describe('alarm engine', () => {
  let db: SqliteDatabase;
  let runtime: FakeRuntime;
  let engine: AlarmEngine;
  let published: AlarmMessage[];

  const start = (): AlarmEngine => {
    const created = new AlarmEngine({ db, bus: runtime.bus, connectors, elements: (id) => (id === E ? elementView(E) : undefined) });
    created.start();
    return created;
  };
  const active = () => engine.list({ state: 'active' });
  const only = async () => {
    const alarms = await active();
    expect(alarms).toHaveLength(1);
    return alarms[0];
  };

  beforeEach(() => {
    db = openSqlite(':memory:');
    runtime = new FakeRuntime();
    published = [];
    runtime.bus.subscribe((message) => {
      if (message.type === 'alarm') published.push(message.alarm as unknown as AlarmMessage);
    });
    engine = start();
    runtime.state(E, 'active');
  });

  afterEach(async () => {
    await engine.stop();
    db.close();
    vi.useRealTimers();
  });

  it('raises, escalates, de-escalates and clears on numeric thresholds, low and high', async () => {
    runtime.params(E, { temperature: 50 });
    expect(await active()).toEqual([]);
    runtime.params(E, { temperature: 70 });
    expect(await only()).toMatchObject({ elementId: E, paramId: 'temperature', rowKey: null, severity: 'warning', value: 70 });
    expect((await only()).message).toBe('Temperature is 70 °C, above 60');
    const { id } = await only();
    runtime.params(E, { temperature: 85 });
    expect(await only()).toMatchObject({ id, severity: 'major' });
    runtime.params(E, { temperature: 95 });
    expect(await only()).toMatchObject({ id, severity: 'critical' });
    expect(engine.elementSeverity(E)).toBe('critical');
    runtime.params(E, { temperature: 40 });
    expect(await active()).toEqual([]);
    expect(engine.elementSeverity(E)).toBe('normal');
    runtime.params(E, { temperature: 3 });
    expect(await only()).toMatchObject({ severity: 'warning', message: 'Temperature is 3 °C, below 5' });
    expect((await only()).id).not.toBe(id);
    expect(published.map((p) => p.change)).toEqual(['raised', 'severity', 'severity', 'cleared', 'raised']);
  });

  it('maps discrete values to severities and anything else to normal', async () => {
    runtime.params(E, { health: 'degraded' });
    expect(await only()).toMatchObject({ paramId: 'health', severity: 'minor', message: 'Health is Degraded' });
    runtime.params(E, { health: 'unhealthy' });
    expect(await only()).toMatchObject({ severity: 'critical', message: 'Health is Unhealthy' });
    runtime.params(E, { health: 'healthy' });
    expect(await active()).toEqual([]);
    runtime.params(E, { health: null });
    expect(await active()).toEqual([]);
  });

  it('matches string patterns with wildcards, case-insensitively, the most severe match winning', async () => {
    runtime.params(E, { lastError: 'src_missing after timeout' });
    expect(await only()).toMatchObject({ severity: 'major' });
    runtime.params(E, { lastError: 'connection TIMEOUT' });
    expect(await only()).toMatchObject({ severity: 'warning' });
    runtime.params(E, { lastError: 'all good' });
    expect(await active()).toEqual([]);
    runtime.params(E, { lastError: 'XSRC_MISSING' });
    expect(await active()).toEqual([]);
  });

  it('alarms table cells only on rows whose display key matches the filter', async () => {
    runtime.rows(E, [rowView('o1', 'SDI 1', { status: 3 }), rowView('o2', 'IP 1', { status: 3 }), rowView('o3', 'SDI 2', { status: 4 })]);
    const alarms = await active();
    expect(alarms.map((a) => [a.rowKey, a.displayKey, a.severity])).toEqual([
      ['o1', 'SDI 1', 'major'],
      ['o3', 'SDI 2', 'minor'],
    ]);
    expect(alarms[0]).toMatchObject({ paramId: 'outputs.status', tableId: 'outputs', message: 'SDI 1 Status is Error' });
    // Renamed out of the filter: the rule no longer watches it.
    runtime.rows(E, [rowView('o1', 'Backup feed', { status: 3 })]);
    expect((await active()).map((a) => a.rowKey)).toEqual(['o3']);
    // A row that vanished takes its alarm with it.
    runtime.rows(E, [], ['o3']);
    expect(await active()).toEqual([]);
  });

  it('waits for the hysteresis before raising and before clearing, with one shared timer', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    engine.setTemplate(
      E,
      { rules: [{ id: 'temp', target: { param: 'temperature' }, kind: 'threshold', thresholds: { major: { high: 80 } }, hysteresis: { raiseSeconds: 10, clearSeconds: 5 } }] },
      'admin',
    );
    runtime.params(E, { temperature: 85 });
    vi.advanceTimersByTime(9_000);
    expect(await active()).toEqual([]);
    // Back to normal before the delay ran out: nothing is raised, ever.
    runtime.params(E, { temperature: 70 });
    vi.advanceTimersByTime(60_000);
    expect(await active()).toEqual([]);

    runtime.params(E, { temperature: 85 });
    vi.advanceTimersByTime(9_999);
    expect(await active()).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(await only()).toMatchObject({ severity: 'major', raisedAt: Date.parse('2026-01-01T00:01:19Z') });

    runtime.params(E, { temperature: 70 });
    vi.advanceTimersByTime(4_000);
    expect(await active()).toHaveLength(1);
    runtime.params(E, { temperature: 88 });
    vi.advanceTimersByTime(30_000);
    expect(await only()).toMatchObject({ severity: 'major', value: 88 });
    runtime.params(E, { temperature: 70 });
    vi.advanceTimersByTime(5_000);
    expect(await active()).toEqual([]);
    expect(vi.getTimerCount()).toBeLessThanOrEqual(3);
  });

  it('keeps one hysteresis timer for thousands of pending cells', async () => {
    vi.useFakeTimers();
    engine.setTemplate(
      E,
      { rules: [{ id: 'out', target: { table: 'outputs', column: 'status' }, kind: 'discrete', values: [{ value: 3, severity: 'major' }], hysteresis: { raiseSeconds: 30 } }] },
      'admin',
    );
    const timersBefore = vi.getTimerCount();
    runtime.rows(E, Array.from({ length: 2000 }, (_, i) => rowView(`o${i}`, `SDI ${i}`, { status: 3 })));
    expect(vi.getTimerCount() - timersBefore).toBeLessThanOrEqual(2);
    vi.advanceTimersByTime(29_999);
    expect(await active()).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(await active()).toHaveLength(1000);
    expect(await engine.list({ state: 'active', limit: 5000 })).toHaveLength(2000);
  });

  it('raises one timeout alarm, freezes the other alarms while stale, and clears on recovery', async () => {
    runtime.params(E, { temperature: 85 });
    runtime.state(E, 'timeout', 'no answer for 30 s');
    expect((await active()).map((a) => [a.ruleId, a.severity])).toEqual([
      ['element-state', 'timeout'],
      ['temperature', 'major'],
    ]);
    expect((await active())[0].message).toBe('Timeout: no answer for 30 s');
    expect(engine.elementSeverity(E)).toBe('timeout');
    // Stale values change nothing.
    runtime.params(E, { temperature: 20, health: 'unhealthy' }, { stale: true });
    expect(await active()).toHaveLength(2);
    runtime.state(E, 'timeout', 'no answer for 30 s');
    expect(published.filter((p) => p.ruleId === 'element-state')).toHaveLength(1);

    // Recovery as the runtime does it: the values come back live, then the state.
    runtime.params(E, { temperature: 20, health: 'healthy' });
    expect((await active()).map((a) => a.ruleId)).toEqual(['element-state']);
    runtime.state(E, 'active');
    expect(await active()).toEqual([]);
  });

  it('raises one error alarm with the reason, turns a timeout into it, and clears it on recovery', async () => {
    runtime.state(E, 'timeout', 'no answer');
    const { id } = await only();
    runtime.state(E, 'error', 'API key not set');
    expect(await only()).toMatchObject({ id, severity: 'error', message: 'Error: API key not set' });
    // Reconfigured: still not running, so the alarm stays until the element is active.
    runtime.state(E, 'initialising');
    expect((await only()).id).toBe(id);
    runtime.state(E, 'active');
    expect(await active()).toEqual([]);
  });

  it('ignores stale values', async () => {
    runtime.params(E, { temperature: 99 }, { stale: true });
    runtime.rows(E, [rowView('o1', 'SDI 1', { status: 3 }, { stale: true })]);
    expect(await active()).toEqual([]);
  });

  it('acknowledges with a comment and user, keeps the steps in history, and asks again on escalation', async () => {
    runtime.params(E, { temperature: 70 });
    const { id } = await only();
    const acked = await engine.acknowledge(id, 'alice', 'fan replaced soon');
    expect(acked).toMatchObject({ acknowledged: true, ackUser: 'alice', ackComment: 'fan replaced soon' });
    expect(acked.ackAt).toBeTypeOf('number');
    runtime.params(E, { temperature: 65 });
    expect((await only()).acknowledged).toBe(true);
    runtime.params(E, { temperature: 85 });
    expect((await only()).acknowledged).toBe(false);
    runtime.params(E, { temperature: 20 });

    const history = await engine.history(id);
    expect(history.map((h) => [h.change, h.severity, h.user])).toEqual([
      ['raised', 'warning', null],
      ['acknowledged', 'warning', 'alice'],
      ['severity', 'major', null],
      ['cleared', 'major', null],
    ]);
    const all = await engine.list({ state: 'all' });
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ id, clearedAt: expect.any(Number), severity: 'major', value: 20 });
    // Cleared alarms can still be acknowledged from the history.
    expect(await engine.acknowledge(id, 'bob', null)).toMatchObject({ acknowledged: true, ackUser: 'bob' });
    await expect(engine.acknowledge(999, 'bob', null)).rejects.toThrow(/no alarm "999"/);
  });

  it('filters the console by element and severity', async () => {
    runtime.params(E, { temperature: 95, health: 'degraded' });
    expect((await engine.list({ severities: ['minor'] })).map((a) => a.paramId)).toEqual(['health']);
    expect(await engine.list({ elementId: 'other' })).toEqual([]);
    expect((await engine.list()).map((a) => a.severity)).toEqual(['critical', 'minor']);
    expect(await engine.list({ state: 'all', severities: ['critical'] })).toHaveLength(1);
    expect(Object.fromEntries(engine.activeCounts())).toEqual({ critical: 1, minor: 1 });
    expect(engine.elementSeverities()).toEqual({ [E]: 'critical' });
  });

  it('clears the alarms of a stopped or removed element', async () => {
    runtime.params(E, { temperature: 95 });
    runtime.state(E, 'stopped');
    expect(await active()).toEqual([]);
    runtime.state(E, 'active');
    runtime.params(E, { temperature: 96 });
    expect(await active()).toHaveLength(1);
    runtime.removed(E);
    expect(await active()).toEqual([]);
  });

  it('validates template overrides with the field at fault and re-evaluates at once', async () => {
    const bad = (rules: unknown[]): TallyError => {
      try {
        engine.setTemplate(E, { rules }, 'admin');
      } catch (error) {
        return error as TallyError;
      }
      throw new Error('accepted');
    };
    expect(bad([{ id: 'a', target: { table: 'outputs', column: 'nope' }, kind: 'discrete', values: [{ value: 1, severity: 'major' }] }])).toMatchObject({
      code: 'VALIDATION',
      field: 'rules[0].target.column',
    });
    expect(bad([{ id: 'a', target: { param: 'lastError' }, kind: 'threshold', thresholds: { major: { high: 1 } } }]).field).toBe('rules[0].kind');
    expect(bad([{ id: 'a', target: { param: 'temperature' }, kind: 'threshold', thresholds: { severe: { high: 1 } } }]).field).toBe(
      'rules[0].thresholds.severe',
    );
    expect(bad([{ id: 'a', target: { param: 'apiKey' }, kind: 'pattern', patterns: [{ pattern: '*', severity: 'minor' }] }]).field).toBe(
      'rules[0].target.param',
    );
    const twice = { id: 'a', target: { param: 'health' }, kind: 'discrete', values: [{ value: 'x', severity: 'minor' }] };
    expect(bad([twice, twice]).field).toBe('rules[1].id');

    runtime.params(E, { temperature: 70 });
    expect(engine.template(E).source).toBe('connector');
    const values = { params: () => [{ ...paramOf('temperature', 70) }], table: () => ({ rows: [] }) };
    const withValues = new AlarmEngine({ db, bus: runtime.bus, connectors, elements: () => elementView(E), values });
    withValues.start();
    const view = withValues.setTemplate(E, { rules: [{ id: 'hot', target: { param: 'temperature' }, kind: 'threshold', thresholds: { critical: { high: 65 } } }] }, 'admin');
    expect(view.source).toBe('element');
    expect((await withValues.list()).map((a) => [a.ruleId, a.severity])).toEqual([['hot', 'critical']]);
    expect(withValues.resetTemplate(E).source).toBe('connector');
    await withValues.stop();
  });

  it('forgets cleared alarms after the history retention, never active ones', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    const keeper = new AlarmEngine({ db, bus: runtime.bus, connectors, historyRetentionDays: 2 });
    keeper.start();
    runtime.state('enc-4', 'active');
    runtime.params('enc-4', { health: 'degraded', temperature: 95 });
    runtime.params('enc-4', { health: 'healthy' });
    // Async: the hourly prune writes through the writer and settles after its timer fired; let it finish first.
    await vi.advanceTimersByTimeAsync(47 * 3_600_000);
    expect(await keeper.list({ state: 'all', elementId: 'enc-4' })).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(2 * 3_600_000);
    expect((await keeper.list({ state: 'all', elementId: 'enc-4' })).map((a) => a.paramId)).toEqual(['temperature']);
    await keeper.stop();
  });

  it('keeps the changes when a write fails and writes them with the next flush', async () => {
    const errors: unknown[] = [];
    const failing = new AlarmEngine({ db, bus: runtime.bus, connectors, onWriteError: (error) => errors.push(error) });
    failing.start();
    db.exec("CREATE TRIGGER refuse BEFORE INSERT ON alarm_changes BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    runtime.state('enc-3', 'active');
    runtime.params('enc-3', { health: 'unhealthy' });
    await failing.flush();
    expect(String(errors[0])).toMatch(/disk full/);
    db.exec('DROP TRIGGER refuse');
    runtime.params('enc-3', { health: 'healthy' });
    await failing.flush();
    const [alarm] = await failing.list({ state: 'all', elementId: 'enc-3' });
    expect((await failing.history(alarm.id)).map((step) => step.change)).toEqual(['raised', 'cleared']);
    await failing.stop();
  });

  it('keeps active alarms and alarm ids across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tally-alarms-'));
    try {
      const file = openSqlite(join(dir, 'tally.db'));
      const first = new AlarmEngine({ db: file, bus: runtime.bus, connectors });
      first.start();
      runtime.state('enc-2', 'active');
      runtime.params('enc-2', { health: 'unhealthy' });
      const [raised] = await first.list();
      await first.stop();
      file.close();

      const reopened = openSqlite(join(dir, 'tally.db'));
      const second = new AlarmEngine({ db: reopened, bus: runtime.bus, connectors });
      second.start();
      expect(await second.list()).toEqual([raised]);
      runtime.state('enc-2', 'active');
      runtime.params('enc-2', { health: 'healthy' });
      expect(await second.list()).toEqual([]);
      runtime.params('enc-2', { health: 'degraded' });
      expect((await second.list())[0].id).toBe(raised.id + 1);
      second.clearMissingElements([]);
      expect(await second.list()).toEqual([]);
      await second.stop();
      reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('alarm engine in a running Tally', () => {
  it('writes through the store write thread: the main connection never waits for the write lock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tally-alarms-'));
    const store = SqliteStore.open(join(dir, 'tally.db'), { writeThread: true });
    const runtime = new FakeRuntime();
    const engine = new AlarmEngine({ db: store.db, writer: store.statementWriter, bus: runtime.bus, connectors });
    try {
      engine.start();
      const changesOnMain = () => store.db.prepare('SELECT total_changes() AS n').get() as { n: number };
      const before = changesOnMain();
      runtime.state(E, 'active');
      runtime.params(E, { health: 'unhealthy' });
      const [raised] = await engine.list();
      await engine.acknowledge(raised.id, 'alice', 'on it');
      runtime.params(E, { health: 'healthy' });
      // Read back on the main connection: each read first waits for the flush to commit.
      expect(await engine.list({ state: 'all' })).toEqual([
        expect.objectContaining({ id: raised.id, clearedAt: expect.any(Number), acknowledged: true, ackUser: 'alice', ackComment: 'on it' }),
      ]);
      expect((await engine.history(raised.id)).map((step) => [step.change, step.user])).toEqual([
        ['raised', null],
        ['acknowledged', 'alice'],
        ['cleared', null],
      ]);
      expect(changesOnMain()).toEqual(before);
    } finally {
      await engine.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function paramOf(id: string, value: number) {
  return { id, name: id, type: 'number' as const, value, display: String(value), unit: null, writable: false, secret: false, isSet: true, stale: false, updatedAt: Date.now() };
}
