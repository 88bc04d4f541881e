/**
 * Devices far away: each answers 150 ms late (one device, one port, one connection each), and 16 elements poll every 500 ms, which needs
 * about five polls at once. Tally starts with one slot; the limit must rise until every
 * element is polled at its interval, and the rise must show in the metrics and the log.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineConnector } from '../src/sdk/index.js';
import { ConnectorRegistry } from '../src/runtime/connector-registry.js';
import { ElementManager } from '../src/runtime/element-manager.js';
import { LiveBus } from '../src/live/live-bus.js';
import { SecretBox } from '../src/security/secret-box.js';
import { SqliteStore } from '../src/store/sqlite-store.js';

const ANSWER_AFTER_MS = 150;
const INTERVAL_MS = 500;
const ELEMENTS = 16;

const connector = defineConnector({
  id: 'far-device',
  name: 'Far device',
  vendor: 'Tally',
  version: '1.0.0.0',
  connection: { scheme: 'http', port: 80, deviceAddress: 'ByPassProxy' },
  params: [{ id: 'uptime', name: 'Uptime', type: 'number' }],
  tables: [],
  actions: [],
  pages: [{ id: 'general', name: 'General', items: [{ param: 'uptime' }] }],
  polls: [
    {
      id: 'status',
      interval: INTERVAL_MS,
      run: async (ctx) => ctx.setParams({ uptime: (await ctx.http.get('/status')).json<{ uptime: number }>().uptime }),
    },
  ],
});

/** Each device's request times. */
const devices: { server: Server; port: number; polledAt: number[] }[] = [];

beforeAll(async () => {
  for (let n = 0; n < ELEMENTS; n++) {
    const polledAt: number[] = [];
    const server = createServer((_request, response) => {
      polledAt.push(Date.now());
      setTimeout(() => response.end(JSON.stringify({ uptime: n })), ANSWER_AFTER_MS);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    devices.push({ server, port: (server.address() as AddressInfo).port, polledAt });
  }
});

afterAll(async () => {
  for (const { server } of devices) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('poll concurrency that adapts', () => {
  it('rises from one slot until devices that answer late are all polled at their interval', async () => {
    const limits: number[] = [];
    const logLines: string[] = [];
    const store = SqliteStore.open(':memory:');
    const manager = new ElementManager({
      registry: new ConnectorRegistry([connector]),
      store,
      bus: new LiveBus(),
      secrets: SecretBox.fromKeyMaterial('adaptive concurrency key material'),
      concurrency: 1,
      pollSpread: 0,
      // Other test files share the machine's cores: this test is about the slots, not the machine.
      machineIdle: () => 1,
      logger: pino({ level: 'info' }, new Writable({ write: (chunk, _encoding, done) => done(void logLines.push(String(chunk))) })),
      metrics: {
        observePoll: () => undefined,
        observePollLateness: () => undefined,
        observeRequest: () => undefined,
        setQueueDepth: () => undefined,
        setPollConcurrency: (limit) => limits.push(limit),
        observeStoreFlush: () => undefined,
      },
    });
    await manager.start();
    try {
      for (const [n, { port }] of devices.entries()) {
        await manager.create(
          { name: `far-${n}`, connector: 'far-device', connection: { host: '127.0.0.1', port } },
          { user: 'ada', role: 'admin' },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      const windowStart = Date.now() - 2_000;
      const pollsInWindow = devices.map(({ polledAt }) => polledAt.filter((at) => at >= windowStart).length);
      // One slot alone polls each element about once in 2.4 s; at its interval it is four times in 2 s.
      expect(pollsInWindow).toHaveLength(ELEMENTS);
      expect(Math.min(...pollsInWindow)).toBeGreaterThanOrEqual(3);
      expect(limits[0]).toBe(1);
      expect(Math.max(...limits)).toBeGreaterThanOrEqual(5);
      expect(logLines.some((line) => line.includes('polls falling behind: more polls at once') && line.includes('"from":1'))).toBe(true);
    } finally {
      await manager.stop();
      await store.close();
    }
  }, 15_000);
});
