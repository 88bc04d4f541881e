/**
 * End to end: a small connector polls a local HTTP device through the ElementManager with
 * the real SQLite store; then Tally restarts on the same data and shows the last values as
 * stale until they are polled afresh.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, defineConnector } from '../src/sdk/index.js';
import { ConnectorRegistry } from '../src/runtime/connector-registry.js';
import { ElementManager } from '../src/runtime/element-manager.js';
import { LiveBus } from '../src/live/live-bus.js';
import { SecretBox } from '../src/security/secret-box.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { Actor } from '../src/runtime/element-service.js';

const API_KEY = 'e2e-api-key-123';
const admin: Actor = { user: 'ada', role: 'admin' };

const device = { failing: false, temperature: 41.5, restarts: [] as string[], channels: ['one', 'two', 'three'] };

const connector = defineConnector({
  id: 'e2e-device',
  name: 'E2E device',
  vendor: 'Tally',
  version: '1.0.0.0',
  connection: { scheme: 'http', port: 80, deviceAddress: 'ByPassProxy' },
  params: [
    { id: 'apiKey', name: 'API key', type: 'string', secret: true, writable: true, config: true },
    { id: 'temperature', name: 'Temperature', type: 'number', unit: '°C', decimals: 1 },
    { id: 'httpRequestStatus', name: 'HTTP request status', type: 'string' },
  ],
  tables: [
    {
      id: 'channels',
      name: 'Channels',
      displayColumn: 'name',
      columns: [
        { id: 'name', name: 'Name', type: 'string' },
        { id: 'state', name: 'State', type: 'string' },
      ],
    },
  ],
  pages: [{ id: 'general', name: 'General', items: [{ param: 'temperature' }, { table: 'channels' }] }],
  polls: [
    {
      id: 'status',
      interval: 200,
      run: async (ctx) => {
        const headers = { 'x-api-key': String(ctx.param('apiKey')) };
        const status = (await ctx.http.get('/api/status', { headers })).json<{ temperature: number }>();
        const channels = (await ctx.http.get('/api/channels', { headers })).json<{ id: string; name: string; state: string }[]>();
        ctx.setParams({ temperature: status.temperature, httpRequestStatus: ctx.http.lastStatus });
        ctx.fillTable(
          'channels',
          channels.map((channel) => ({ key: channel.id, cells: { name: channel.name, state: channel.state } })),
        );
      },
    },
  ],
  actions: [
    {
      id: 'restartChannel',
      label: 'Restart channel',
      table: 'channels',
      selection: 'multiple',
      confirm: 'Restart the selected channels?',
      run: async (ctx, request) => {
        for (const row of request.rows) {
          await ctx.http.post(`/api/channels/${row.key}/restart`, {}, { headers: { 'x-api-key': String(ctx.param('apiKey')) } });
        }
        return `restarted ${request.rows.map((row) => row.cells.name).join(', ')}`;
      },
    },
  ],
  init: async (ctx) => {
    if (!ctx.param('apiKey')) throw new ConfigError('API key not set');
  },
});

let server: Server;
let port: number;
let dataDir: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.headers['x-api-key'] !== API_KEY) {
      response.writeHead(401).end('{"error":"bad key"}');
      return;
    }
    if (device.failing) {
      response.writeHead(503).end('maintenance');
      return;
    }
    const restart = /^\/api\/channels\/(\w+)\/restart$/.exec(request.url ?? '');
    if (request.method === 'POST' && restart) {
      device.restarts.push(restart[1]);
      response.end('{}');
    } else if (request.url === '/api/status') {
      response.end(JSON.stringify({ temperature: device.temperature }));
    } else if (request.url === '/api/channels') {
      response.end(JSON.stringify(device.channels.map((id) => ({ id, name: `Channel ${id}`, state: 'running' }))));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  dataDir = mkdtempSync(join(tmpdir(), 'tally-runtime-e2e-'));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
});

async function until(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function open(): { store: SqliteStore; manager: ElementManager } {
  const store = SqliteStore.open(join(dataDir, 'tally.db'));
  const manager = new ElementManager({
    registry: new ConnectorRegistry([connector]),
    store,
    bus: new LiveBus(),
    secrets: SecretBox.fromKeyMaterial('end-to-end secret key material'),
  });
  return { store, manager };
}

describe('runtime end to end', () => {
  it('polls a device, acts on it, survives a failure, and restarts with its configuration and stale values', async () => {
    const first = open();
    await first.manager.start();
    const created = await first.manager.create(
      {
        name: 'Studio A',
        connector: 'e2e-device',
        connection: { host: `http://127.0.0.1:${port}`, elementTimeout: 1_000, retries: 0 },
        params: { apiKey: API_KEY },
      },
      admin,
    );
    const id = created.id;
    const manager = first.manager;
    expect(created.connection.deviceAddress).toBe('ByPassProxy');

    await until('first poll', () => manager.param(id, 'temperature').value === 41.5);
    expect(manager.param(id, 'temperature')).toMatchObject({ display: '41.5 °C', stale: false });
    expect(manager.param(id, 'httpRequestStatus').value).toBe('200 OK');
    expect(manager.table(id, 'channels').rows.map((row) => row.displayKey)).toEqual(['Channel one', 'Channel two', 'Channel three']);

    device.channels = ['one', 'three'];
    device.temperature = 43;
    await until('table refill', () => manager.table(id, 'channels').rows.length === 2 && manager.param(id, 'temperature').value === 43);
    expect(manager.table(id, 'channels').rows.map((row) => row.key)).toEqual(['one', 'three']);

    const outcome = await manager.runAction(id, 'restartChannel', { rows: ['one', 'three'] }, admin);
    expect(outcome).toEqual({ ok: true, message: 'restarted Channel one, Channel three' });
    expect(device.restarts).toEqual(['one', 'three']);

    const stream = JSON.stringify(manager.stream(id));
    expect(stream).toContain('/api/channels/one/restart');
    expect(stream).not.toContain(API_KEY);

    device.failing = true;
    await until('timeout', () => manager.get(id).state === 'timeout', 5_000);
    expect(manager.get(id).stateReason).toBe('the device keeps failing for 1 s: device answered 503 Service Unavailable');
    expect(manager.param(id, 'temperature').stale).toBe(true);
    device.failing = false;
    await until('recovery', () => manager.get(id).state === 'active' && !manager.param(id, 'temperature').stale, 5_000);

    await manager.stop();
    await first.store.close();

    const second = open();
    await second.manager.start();
    // Before the first poll comes back: configuration and the last values, shown stale.
    const restored = second.manager.get(id);
    expect(restored).toMatchObject({ name: 'Studio A', connector: 'e2e-device' });
    expect(restored.connection).toMatchObject({ host: '127.0.0.1', port, elementTimeout: 1_000 });
    expect(second.manager.param(id, 'temperature')).toMatchObject({ value: 43, stale: true });
    expect(second.manager.param(id, 'apiKey')).toMatchObject({ value: null, isSet: true });
    expect(second.manager.table(id, 'channels').rows.map((row) => [row.key, row.stale])).toEqual([
      ['one', true],
      ['three', true],
    ]);
    await until('fresh poll after restart', () => !second.manager.param(id, 'temperature').stale);
    expect(second.manager.table(id, 'channels').rows.every((row) => !row.stale)).toBe(true);

    const events = await second.manager.events({ elementId: id });
    const messages = events.map((event) => event.message);
    expect(messages).toContain('Created by ada');
    expect(messages).toContain('Restart channel by ada: restarted Channel one, Channel three');
    await second.manager.stop();
    await second.store.close();
  });
});
