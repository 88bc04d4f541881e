/**
 * The element runtime under fake timers: queue order, polls never queued twice, backoff,
 * timeout and recovery, stale values, configuration errors, and connectors that throw or
 * hang without hurting other elements.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ActionRefusedError,
  ConfigError,
  DeviceHttpError,
  DeviceProtocolError,
  defineConnector,
  type ElementContext,
} from '../src/sdk/index.js';
import { ConnectorRegistry } from '../src/runtime/connector-registry.js';
import { ElementManager } from '../src/runtime/element-manager.js';
import { StreamViewer } from '../src/runtime/stream-viewer.js';
import { LiveBus } from '../src/live/live-bus.js';
import { SecretBox } from '../src/security/secret-box.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { LiveMessage } from '../src/runtime/views.js';
import type { Actor } from '../src/runtime/element-service.js';

const operator: Actor = { user: 'olivia', role: 'operator' };
const viewer: Actor = { user: 'victor', role: 'viewer' };

/** What the fake device does, per element name. */
interface DeviceScript {
  up: boolean;
  hang: boolean;
  throwBug: boolean;
  blockSlow: Promise<void> | null;
  log: { what: string; at: number }[];
}

function script(): DeviceScript {
  return { up: true, hang: false, throwBug: false, blockSlow: null, log: [] };
}

const devices = new Map<string, DeviceScript>();
const deviceOf = (ctx: ElementContext): DeviceScript => devices.get(ctx.element.name) as DeviceScript;

async function poll(ctx: ElementContext, what: string): Promise<void> {
  const device = deviceOf(ctx);
  device.log.push({ what, at: ctx.clock.now() });
  if (device.hang) await new Promise(() => undefined);
  if (device.throwBug) throw new TypeError("Cannot read properties of undefined (reading 'status')");
  if (!device.up) throw new DeviceHttpError(503, '503 Service Unavailable', '');
  if (what === 'slow' && device.blockSlow) await device.blockSlow;
  ctx.setParams({ temperature: 40 + device.log.length, status: 'ok' });
  ctx.fillTable('items', [
    { key: 'a', cells: { name: 'Alpha', level: 1 } },
    { key: 'b', cells: { name: 'Beta', level: 2 } },
  ]);
}

const testConnector = defineConnector({
  id: 'test-device',
  name: 'Test device',
  vendor: 'Tally',
  version: '1.0.0.0',
  connection: { scheme: 'http', port: 8080 },
  params: [
    { id: 'apiKey', name: 'API key', type: 'string', secret: true, writable: true, config: true },
    { id: 'temperature', name: 'Temperature', type: 'number', unit: '°C', decimals: 1 },
    { id: 'status', name: 'Status', type: 'string' },
    {
      id: 'mode',
      name: 'Mode',
      type: 'discrete',
      writable: true,
      discretes: [
        { value: 1, label: 'Normal' },
        { value: 2, label: 'Eco' },
      ],
      onSet: async (ctx, value) => {
        deviceOf(ctx).log.push({ what: `set mode ${String(value)}`, at: ctx.clock.now() });
        ctx.setParams({ mode: value });
      },
    },
    { id: 'note', name: 'Note', type: 'string', writable: true },
    { id: 'watching', name: 'Watch switchovers', type: 'boolean', writable: true, default: false },
  ],
  tables: [
    {
      id: 'items',
      name: 'Items',
      displayColumn: 'name',
      columns: [
        { id: 'name', name: 'Name', type: 'string' },
        { id: 'level', name: 'Level', type: 'number', range: { min: 0, max: 10 } },
      ],
    },
  ],
  pages: [{ id: 'general', name: 'General', items: [{ param: 'temperature' }] }],
  polls: [
    { id: 'fast', interval: 8_000, run: (ctx) => poll(ctx, 'fast') },
    { id: 'slow', interval: 20_000, run: (ctx) => poll(ctx, 'slow') },
    {
      id: 'watch',
      interval: 8_000,
      activeWhen: (ctx) => ctx.param('watching') === true,
      run: async (ctx) => void deviceOf(ctx).log.push({ what: 'watch', at: ctx.clock.now() }),
    },
  ],
  actions: [
    {
      id: 'reboot',
      label: 'Reboot',
      selection: 'none',
      run: async (ctx) => {
        deviceOf(ctx).log.push({ what: 'reboot', at: ctx.clock.now() });
        return 'rebooting';
      },
    },
    {
      id: 'setLevel',
      label: 'Set level',
      table: 'items',
      selection: 'single',
      inputs: [{ id: 'level', name: 'Level', type: 'number', required: true, defaultFromColumn: 'level', range: { min: 0, max: 10 } }],
      run: async (_ctx, request) => {
        if (request.inputs.level === 7) throw new ActionRefusedError('level 7 is reserved', 422, 'level');
        if (request.inputs.level === 9) await new Promise(() => undefined);
        return `level of ${request.rows[0].key} set to ${String(request.inputs.level)}`;
      },
    },
    {
      id: 'refresh',
      label: 'Refresh',
      selection: 'none',
      run: async (ctx) => {
        deviceOf(ctx).log.push({ what: 'refresh', at: ctx.clock.now() });
        ctx.pollNow('slow');
      },
    },
    { id: 'factoryReset', label: 'Factory reset', selection: 'none', minRole: 'admin', run: async () => 'reset' },
  ],
  init: async (ctx) => {
    deviceOf(ctx).log.push({ what: 'init', at: ctx.clock.now() });
    if (!ctx.param('apiKey')) throw new ConfigError('API key not set');
  },
});

/** A device whose one poll reports a JSON answer through reportIfChanged. */
const answers = new Map<string, { answer: string; up: boolean; reports: number }>();

const { vendor, version, connection } = testConnector;
const answeringConnector = defineConnector({
  vendor,
  version,
  connection,
  id: 'answering-device',
  name: 'Answering device',
  params: [{ id: 'note', name: 'Note', type: 'string', writable: true }],
  tables: [],
  actions: [
    {
      id: 'stamp',
      label: 'Stamp',
      selection: 'none',
      run: async (ctx) => ctx.setParams({ note: 'stamped by an action' }),
    },
  ],
  pages: [{ id: 'general', name: 'General', items: [{ param: 'note' }] }],
  polls: [
    {
      id: 'note',
      interval: 8_000,
      run: async (ctx) => {
        const device = answers.get(ctx.element.name)!;
        if (!device.up) throw new DeviceHttpError(503, '503 Service Unavailable', '');
        ctx.reportIfChanged('note', device.answer, () => {
          device.reports++;
          let parsed: { note: string };
          try {
            parsed = JSON.parse(device.answer) as { note: string };
          } catch {
            throw new DeviceProtocolError('the device sent invalid JSON');
          }
          ctx.setParams({ note: parsed.note });
        });
      },
    },
  ],
});

let store: SqliteStore;
let manager: ElementManager;
let messages: LiveMessage[];

let metrics: { polls: string[]; lateness: string[]; depths: number[]; flushes: number };

async function makeManager(concurrency?: number, pollSpread = 0): Promise<void> {
  metrics = { polls: [], lateness: [], depths: [], flushes: 0 };
  const bus = new LiveBus();
  messages = [];
  bus.subscribe((message) => messages.push(message));
  manager = new ElementManager({
    registry: new ConnectorRegistry([testConnector, answeringConnector]),
    store,
    bus,
    secrets: SecretBox.fromKeyMaterial('a test key of enough length'),
    concurrency,
    // A fixed limit: the one that adapts has its own tests.
    maxConcurrency: concurrency,
    // Exact timings below; the spread itself has its own test.
    pollSpread,
    metrics: {
      observePoll: (connector, group, _ms, ok) => metrics.polls.push(`${connector}/${group} ${ok ? 'ok' : 'failed'}`),
      observePollLateness: (connector, ms) => metrics.lateness.push(`${connector} ${ms}`),
      observeRequest: () => undefined,
      setQueueDepth: (depth) => metrics.depths.push(depth),
      setPollConcurrency: () => undefined,
      observeStoreFlush: () => metrics.flushes++,
    },
  });
  await manager.start();
}

async function createElement(name: string, options: { apiKey?: string | null; requestTimeout?: number } = {}): Promise<string> {
  devices.set(name, script());
  const apiKey = options.apiKey === undefined ? 'k3y-secret' : options.apiKey;
  const view = await manager.create(
    {
      name,
      connector: 'test-device',
      connection: { host: '127.0.0.1', requestTimeout: options.requestTimeout ?? 1_000, retries: 0 },
      params: apiKey ? { apiKey } : {},
    },
    operator,
  );
  await vi.advanceTimersByTimeAsync(0);
  return view.id;
}

const whats = (name: string): string[] => devices.get(name)!.log.map((entry) => entry.what);

beforeEach(async () => {
  vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
  devices.clear();
  store = SqliteStore.open(':memory:');
  await makeManager();
});

afterEach(async () => {
  await manager.stop();
  await store.close();
  vi.useRealTimers();
});

describe('polling', () => {
  it('initialises, polls every group at once, then each at its interval', async () => {
    const id = await createElement('enc');
    expect(manager.get(id).state).toBe('active');
    expect(whats('enc')).toEqual(['init', 'fast', 'slow']);
    await vi.advanceTimersByTimeAsync(8_000);
    expect(whats('enc')).toEqual(['init', 'fast', 'slow', 'fast']);
    await vi.advanceTimersByTimeAsync(12_000);
    expect(whats('enc')).toEqual(['init', 'fast', 'slow', 'fast', 'fast', 'slow']);
    expect(metrics.polls.slice(0, 2)).toEqual(['test-device/fast ok', 'test-device/slow ok']);
    expect(metrics.depths.slice(0, 3)).toEqual([0, 1, 0]);
    expect(metrics.flushes).toBeGreaterThan(0);
  });

  it('spreads elements started together over the interval, then keeps each on its own phase', async () => {
    await manager.stop();
    await makeManager(undefined, 0.5);
    const names = Array.from({ length: 20 }, (_, i) => `enc${i}`);
    for (const name of names) await createElement(name);
    await vi.advanceTimersByTimeAsync(16_000);
    const fastTimes = (name: string) => devices.get(name)!.log.filter((e) => e.what === 'fast').map((e) => e.at - Date.parse('2026-01-01T00:00:00Z'));
    const second = names.map((name) => fastTimes(name)[1]);
    expect(Math.min(...second)).toBeGreaterThanOrEqual(4_000);
    expect(Math.max(...second)).toBeLessThanOrEqual(8_000);
    expect(new Set(second).size).toBeGreaterThan(10);
    for (const name of names) {
      const [, a, b] = fastTimes(name);
      expect(b - a).toBe(8_000);
    }
  });

  it('polls a group with activeWhen only while it holds, checked when the group falls due', async () => {
    const id = await createElement('enc');
    await vi.advanceTimersByTimeAsync(8_000);
    expect(whats('enc')).not.toContain('watch');
    await manager.setParam(id, 'watching', true, operator);
    await vi.advanceTimersByTimeAsync(8_000);
    expect(whats('enc').filter((what) => what === 'watch')).toHaveLength(1);
    await manager.setParam(id, 'watching', false, operator);
    await vi.advanceTimersByTimeAsync(16_000);
    expect(whats('enc').filter((what) => what === 'watch')).toHaveLength(1);
  });

  it('runs an operator action before the polls already waiting, and never queues a group twice', async () => {
    // A long request timeout, so the blocked poll is not abandoned while the test holds it.
    const id = await createElement('enc', { requestTimeout: 30_000 });
    let release!: () => void;
    devices.get('enc')!.blockSlow = new Promise<void>((resolve) => (release = resolve));
    await vi.advanceTimersByTimeAsync(20_000); // fast at 8 s and 16 s, slow at 20 s (blocks)
    expect(whats('enc').at(-1)).toBe('slow');
    await vi.advanceTimersByTimeAsync(19_000); // fast falls due at 24, 32 and 40 s while blocked
    const mark = whats('enc').length;
    const action = manager.runAction(id, 'reboot', {}, operator);
    release();
    await vi.advanceTimersByTimeAsync(0);
    await expect(action).resolves.toEqual({ ok: true, message: 'rebooting' });
    await vi.advanceTimersByTimeAsync(0);
    expect(whats('enc').slice(mark)).toEqual(['reboot', 'fast']);
  });

  it('reports how late each periodic group starts against its due time, not the polls of a start', async () => {
    await createElement('enc', { requestTimeout: 30_000 });
    expect(metrics.lateness).toEqual([]);
    let release!: () => void;
    devices.get('enc')!.blockSlow = new Promise<void>((resolve) => (release = resolve));
    await vi.advanceTimersByTimeAsync(20_000); // fast at 8 s and 16 s, slow at 20 s (blocks), all on time
    await vi.advanceTimersByTimeAsync(5_500); // fast falls due at 24 s and waits behind it
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(metrics.lateness).toEqual(['test-device 0', 'test-device 0', 'test-device 0', 'test-device 1500']);
  });

  it('forgets the due time of a group a failure took off the queue', async () => {
    // Polls are abandoned after 6 s.
    await createElement('enc', { requestTimeout: 3_000 });
    const device = devices.get('enc')!;
    device.blockSlow = new Promise<void>(() => undefined);
    await vi.advanceTimersByTimeAsync(20_000); // slow at 20 s hangs
    device.blockSlow = null;
    await vi.advanceTimersByTimeAsync(6_000); // fast queued at 24 s; the slow poll abandoned at 26 s
    await vi.advanceTimersByTimeAsync(1_000); // the retry at 27 s succeeds and polls every group at once
    expect(whats('enc').slice(-3)).toEqual(['slow', 'fast', 'slow']);
    await vi.advanceTimersByTimeAsync(8_000); // fast due at 35 s
    expect(metrics.lateness).toEqual(['test-device 0', 'test-device 0', 'test-device 0', 'test-device 0']);
  });

  it('lets a connector move a group to the front with pollNow', async () => {
    const id = await createElement('enc', { requestTimeout: 30_000 });
    let release!: () => void;
    devices.get('enc')!.blockSlow = new Promise<void>((resolve) => (release = resolve));
    await vi.advanceTimersByTimeAsync(20_000);
    await vi.advanceTimersByTimeAsync(4_000); // fast queued at 24 s
    const mark = whats('enc').length;
    const refresh = manager.runAction(id, 'refresh', {}, operator);
    release();
    await vi.advanceTimersByTimeAsync(0);
    await refresh;
    expect(whats('enc').slice(mark)).toEqual(['refresh', 'slow', 'fast']);
  });
});

describe('device failures', () => {
  it('retries with doubling backoff capped at the shortest interval, goes to timeout, and recovers with a full poll', async () => {
    const id = await createElement('enc');
    const device = devices.get('enc')!;
    await vi.advanceTimersByTimeAsync(8_000 - 1);
    device.up = false;
    device.log.length = 0;
    await vi.advanceTimersByTimeAsync(1);
    expect(manager.get(id)).toMatchObject({ state: 'active', stateReason: 'retrying: device answered 503 Service Unavailable' });
    await vi.advanceTimersByTimeAsync(45_000);
    const times = device.log.map((entry) => entry.at);
    const gaps = times.slice(1).map((time, index) => time - times[index]);
    // 1, 2, 4, 8 s, then capped at 8 s; one retry lands exactly when the 30 s element timeout falls due.
    expect(gaps.slice(0, 7)).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 7_000, 8_000]);
    expect(new Set(device.log.map((entry) => entry.what))).toEqual(new Set(['fast']));

    const view = manager.get(id);
    expect(view.state).toBe('timeout');
    expect(view.stateReason).toBe('the device keeps failing for 30 s: device answered 503 Service Unavailable');
    expect(manager.param(id, 'temperature').stale).toBe(true);
    expect(manager.table(id, 'items').rows.every((row) => row.stale)).toBe(true);
    await expect(manager.setParam(id, 'note', 'x', operator)).rejects.toMatchObject({ status: 409 });
    await expect(manager.runAction(id, 'reboot', {}, operator)).rejects.toMatchObject({ status: 409 });

    device.up = true;
    device.log.length = 0;
    await vi.advanceTimersByTimeAsync(8_000);
    expect(whats('enc')).toEqual(['fast', 'fast', 'slow']);
    expect(manager.get(id)).toMatchObject({ state: 'active', stateReason: '' });
    expect(manager.param(id, 'temperature').stale).toBe(false);
    expect(manager.table(id, 'items').rows.every((row) => !row.stale)).toBe(true);
    const states = messages.flatMap((m) => (m.type === 'element' ? [m.element.state] : []));
    expect(states).toContain('timeout');
    const events = await manager.events({ elementId: id, kind: 'state' });
    expect(events.map((event) => event.message)).toContain(
      'State timeout: the device keeps failing for 30 s: device answered 503 Service Unavailable',
    );
  });
});

describe('configuration errors', () => {
  it('puts the element in error until its configuration changes', async () => {
    const id = await createElement('enc', { apiKey: null });
    expect(manager.get(id)).toMatchObject({ state: 'error', stateReason: 'API key not set' });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(whats('enc')).toEqual(['init']);
    await manager.restart(id, operator);
    await vi.advanceTimersByTimeAsync(0);
    expect(whats('enc')).toEqual(['init', 'init']);

    const view = await manager.setParam(id, 'apiKey', 'n3w-key', operator);
    expect(view).toMatchObject({ value: null, isSet: true, secret: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(manager.get(id).state).toBe('active');
    expect(whats('enc')).toEqual(['init', 'init', 'init', 'fast', 'slow']);
    const sets = await manager.events({ elementId: id, kind: 'set' });
    expect(sets[0].message).toBe('Set by olivia to ••••••');
    expect(JSON.stringify(sets)).not.toContain('n3w-key');
  });
});

describe('connectors that misbehave', () => {
  it('isolates a throwing connector and a hanging one from a healthy element, even with one slot', async () => {
    await manager.stop();
    await makeManager(1);
    const healthy = await createElement('healthy');
    const buggy = await createElement('buggy');
    const stuck = await createElement('stuck');
    devices.get('buggy')!.throwBug = true;
    devices.get('stuck')!.hang = true;
    devices.get('healthy')!.log.length = 0;
    // All fall due at 8 s; the stuck one may hold the only slot for its 2 s poll timeout.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(manager.get(buggy)).toMatchObject({
      state: 'error',
      stateReason: "connector failed: Cannot read properties of undefined (reading 'status')",
    });
    expect(manager.get(stuck)).toMatchObject({ state: 'active', stateReason: 'retrying: poll fast did not finish within 2 s' });
    await vi.advanceTimersByTimeAsync(40_000);
    expect(manager.get(stuck).state).toBe('timeout');
    expect(manager.get(healthy)).toMatchObject({ state: 'active', stateReason: '' });
    expect(whats('healthy').filter((what) => what === 'fast').length).toBeGreaterThanOrEqual(6);
  });
});

describe('actions and sets', () => {
  it('validates role, rows and inputs, refuses with the connector message, and records the outcome', async () => {
    const id = await createElement('enc');
    await expect(manager.runAction(id, 'nope', {}, operator)).rejects.toMatchObject({ status: 404 });
    await expect(manager.runAction(id, 'reboot', {}, viewer)).rejects.toMatchObject({ status: 403 });
    await expect(manager.runAction(id, 'factoryReset', {}, operator)).rejects.toMatchObject({ status: 403 });
    await expect(manager.runAction(id, 'setLevel', {}, operator)).rejects.toMatchObject({ status: 400, field: 'rows' });
    await expect(manager.runAction(id, 'setLevel', { rows: ['zz'] }, operator)).rejects.toMatchObject({
      status: 404,
      field: 'rows',
    });
    await expect(manager.runAction(id, 'setLevel', { rows: ['a'], inputs: { level: 11 } }, operator)).rejects.toMatchObject({
      status: 400,
      field: 'inputs.level',
    });
    await expect(manager.runAction(id, 'setLevel', { rows: ['a'], inputs: { level: 7 } }, operator)).rejects.toMatchObject({
      status: 422,
      code: 'REFUSED',
      field: 'level',
      message: 'level 7 is reserved',
    });
    await expect(manager.runAction(id, 'setLevel', { rows: ['b'] }, operator)).resolves.toEqual({
      ok: true,
      message: 'level of b set to 2',
    });
    const hung = manager.runAction(id, 'setLevel', { rows: ['a'], inputs: { level: 9 } }, operator);
    const outcome = expect(hung).rejects.toMatchObject({ code: 'ACTION_TIMEOUT' });
    await vi.advanceTimersByTimeAsync(15_000);
    await outcome;
    expect(manager.get(id).state).toBe('active');
    const events = await manager.events({ elementId: id, kind: 'action' });
    // Newest first.
    expect(events.map((event) => event.message)).toEqual([
      'Set level by olivia failed: Set level did not finish within 15 s',
      'Set level by olivia: level of b set to 2',
      'Set level by olivia failed: level 7 is reserved',
    ]);
    expect(events[1].details).toMatchObject({ rows: ['b'], inputs: { level: 2 }, ok: true });
  });

  it('sets writable parameters through their handler and refuses read-only ones', async () => {
    const id = await createElement('enc');
    await expect(manager.setParam(id, 'temperature', 3, operator)).rejects.toMatchObject({
      status: 422,
      message: 'parameter Temperature is read-only',
    });
    await expect(manager.setParam(id, 'mode', 5, operator)).rejects.toMatchObject({ status: 400, field: 'value' });
    const view = await manager.setParam(id, 'mode', 'Eco', operator);
    expect(view).toMatchObject({ value: 2, display: 'Eco', stale: false });
    expect(whats('enc')).toContain('set mode 2');
    const sets = await manager.events({ elementId: id, kind: 'set' });
    expect(sets.map((event) => event.message)).toEqual(['Set by olivia to Eco']);
  });

  it('pauses and stops polling on the operator state and resumes on active', async () => {
    const id = await createElement('enc');
    await manager.setOperatorState(id, 'paused', operator);
    expect(manager.get(id)).toMatchObject({ state: 'paused', operatorState: 'paused' });
    const before = whats('enc').length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(whats('enc').length).toBe(before);
    await expect(manager.runAction(id, 'reboot', {}, operator)).rejects.toMatchObject({ status: 409 });
    await manager.setOperatorState(id, 'active', operator);
    await vi.advanceTimersByTimeAsync(0);
    expect(whats('enc').slice(before)).toEqual(['fast', 'slow']);
    await manager.setOperatorState(id, 'stopped', operator);
    await manager.setOperatorState(id, 'active', operator);
    await vi.advanceTimersByTimeAsync(0);
    expect(whats('enc').slice(before + 2)).toEqual(['init', 'fast', 'slow']);
  });
});

describe('answers already reported', () => {
  async function answeringElement(): Promise<{ id: string; device: { answer: string; up: boolean; reports: number } }> {
    const device = { answer: '{"note":"from the device"}', up: true, reports: 0 };
    answers.set('notes', device);
    const view = await manager.create(
      { name: 'notes', connector: 'answering-device', connection: { host: '127.0.0.1', requestTimeout: 1_000, retries: 0 }, params: {} },
      operator,
    );
    await vi.advanceTimersByTimeAsync(0);
    return { id: view.id, device };
  }
  const note = (id: string): unknown => manager.params(id).find((param) => param.id === 'note')?.value;

  it('skips the same answer, and reports a changed one', async () => {
    const { id, device } = await answeringElement();
    expect(note(id)).toBe('from the device');
    await vi.advanceTimersByTimeAsync(16_000);
    expect(device.reports).toBe(1);
    device.answer = '{"note":"changed on the device"}';
    await vi.advanceTimersByTimeAsync(8_000);
    expect(device.reports).toBe(2);
    expect(note(id)).toBe('changed on the device');
  });

  const operatorWrites: [string, (id: string) => Promise<unknown>, string][] = [
    ["an operator's set", (id) => manager.setParam(id, 'note', 'typed by hand', operator), 'typed by hand'],
    ['what an action reported', (id) => manager.runAction(id, 'stamp', {}, operator), 'stamped by an action'],
  ];
  it.each(operatorWrites)("reports the device's unchanged answer again over %s", async (_what, write, written) => {
    const { id, device } = await answeringElement();
    await write(id);
    expect(note(id)).toBe(written);
    await vi.advanceTimersByTimeAsync(8_000);
    expect(device.reports).toBe(2);
    expect(note(id)).toBe('from the device');
  });

  it('reports an unchanged answer again after a failed poll, a pause and a restart', async () => {
    const { id, device } = await answeringElement();
    device.up = false;
    await vi.advanceTimersByTimeAsync(8_000);
    device.up = true;
    await vi.advanceTimersByTimeAsync(8_000);
    expect(device.reports).toBe(2);
    await manager.setOperatorState(id, 'paused', operator);
    await manager.setOperatorState(id, 'active', operator);
    await vi.advanceTimersByTimeAsync(0);
    expect(device.reports).toBe(3);
    await manager.restart(id, operator);
    await vi.advanceTimersByTimeAsync(0);
    expect(device.reports).toBe(4);
    expect(manager.get(id)).toMatchObject({ state: 'active' });
  });

  it('tries an answer whose report threw at every retry, then reports the good one it had before', async () => {
    const { id, device } = await answeringElement();
    device.answer = '{"note":';
    await vi.advanceTimersByTimeAsync(8_000);
    expect(manager.get(id)).toMatchObject({ state: 'active', stateReason: 'retrying: the device sent invalid JSON' });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(device.reports).toBe(3);
    device.answer = '{"note":"from the device"}';
    await vi.advanceTimersByTimeAsync(2_000);
    expect(device.reports).toBe(4);
    expect(manager.get(id)).toMatchObject({ state: 'active', stateReason: '' });
  });
});

describe('element input', () => {
  it('checks every field and names the one at fault', async () => {
    devices.set('x', script());
    const base = { name: 'x', connector: 'test-device', connection: { host: '10.0.0.5' } };
    const refusal = (input: object) => manager.create({ ...base, ...input } as never, operator);
    await expect(refusal({ connector: 'nope' })).rejects.toMatchObject({ status: 400, field: 'connector' });
    await expect(refusal({ connection: { host: '10.0.0.5', port: 70_000 } })).rejects.toMatchObject({
      status: 400,
      field: 'connection.port',
    });
    await expect(refusal({ params: { bogus: 1 } })).rejects.toMatchObject({ status: 400, field: 'params.bogus' });
    await expect(refusal({ params: { temperature: 1 } })).rejects.toMatchObject({ status: 422, field: 'params.temperature' });
    await expect(refusal({ params: { mode: 'Turbo' } })).rejects.toMatchObject({ status: 400, field: 'params.mode' });
    await expect(refusal({ pollIntervals: { nope: 1000 } })).rejects.toMatchObject({ status: 400, field: 'pollIntervals.nope' });
    expect(manager.list()).toEqual([]);

    const view = await manager.create(
      { ...base, connection: { host: 'https://device.example:9443' }, params: { apiKey: 'abcd1234', note: 'hello' } },
      operator,
    );
    expect(view.connection).toMatchObject({
      host: 'device.example',
      port: 9443,
      tls: true,
      requestTimeout: 5_000,
      elementTimeout: 30_000,
      retries: 2,
      deviceAddress: '',
    });
    expect(view.baseUrl).toBe('https://device.example:9443');
    expect(manager.param(view.id, 'note')).toMatchObject({ value: 'hello', stale: false });
    const stored = await store.getElement(view.id);
    expect(JSON.stringify(stored)).not.toContain('abcd1234');
  });
});

describe('element lifecycle', () => {
  it('deletes an element with its values, keeping its events as history', async () => {
    const id = await createElement('enc');
    // Its stream viewer gives back the pages its details held, which every element shares.
    const closed = vi.spyOn(StreamViewer.prototype, 'close');
    await manager.remove(id, operator);
    expect(closed).toHaveBeenCalledTimes(1);
    closed.mockRestore();
    expect(manager.list()).toEqual([]);
    expect(() => manager.get(id)).toThrow(expect.objectContaining({ status: 404, field: 'id' }));
    expect(await store.getElement(id)).toBeUndefined();
    expect((await store.loadValues(id)).params).toEqual([]);
    const before = whats('enc').length;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(whats('enc').length).toBe(before);
    const events = await manager.events({ elementId: id, kind: 'config' });
    expect(events.map((event) => event.message)).toEqual(['Deleted by olivia', 'Created by olivia']);
    expect(messages).toContainEqual({ type: 'element-removed', elementId: id });
  });

  it('keeps an element whose connector is gone in error, even after a restart', async () => {
    const now = Date.now();
    await store.saveElement({
      id: 'orphan',
      name: 'Orphan',
      connector: 'uninstalled-device',
      connection: { host: 'h', port: 1, tls: false, skipTlsVerify: false, deviceAddress: '', requestTimeout: 1000, elementTimeout: 5000, retries: 0 },
      config: {},
      sealedSecrets: {},
      pollIntervals: {},
      operatorState: 'active',
      createdAt: now,
      updatedAt: now,
    });
    await manager.stop();
    await makeManager();
    expect(manager.get('orphan')).toMatchObject({ state: 'error', stateReason: 'connector "uninstalled-device" is not installed' });
    await manager.restart('orphan', operator);
    expect(manager.get('orphan').state).toBe('error');
  });
});
