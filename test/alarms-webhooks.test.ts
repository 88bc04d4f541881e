import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlarmEngine } from '../src/alarms/alarm-engine.js';
import { WebhookNotifier, resealWebhookUrls } from '../src/alarms/webhook-notifier.js';
import { openSqlite, type SqliteDatabase } from '../src/store/sqlite-database.js';
import { SecretBox } from '../src/security/secret-box.js';
import { FakeRuntime, connectors } from './alarms-fixtures.js';

const E = 'enc-1';

interface Received {
  change: string;
  alarm: { id: number; severity: string; paramId: string };
  elementSeverity: string;
}

/** A receiver on 127.0.0.1 that answers with the statuses it is given, then 200. */
async function receiver(statuses: number[] = []): Promise<{ url: string; received: Received[]; attempts: number; server: Server }> {
  const state = { received: [] as Received[], attempts: 0 };
  const server = createServer(async (request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    state.attempts++;
    const status = statuses.shift() ?? 200;
    if (status === 200) state.received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Received);
    response.writeHead(status, status === 429 ? { 'retry-after': '0' } : {}).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/secret-token?key=abc`,
    server,
    get received() {
      return state.received;
    },
    get attempts() {
      return state.attempts;
    },
  };
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('webhook notifications', () => {
  let db: SqliteDatabase;
  let runtime: FakeRuntime;
  let alarms: AlarmEngine;
  let notifier: WebhookNotifier;
  const servers: Server[] = [];
  const box = SecretBox.fromKeyMaterial('a test key of sufficient length');

  const startNotifier = (options: Partial<ConstructorParameters<typeof WebhookNotifier>[0]> = {}) => {
    notifier = new WebhookNotifier({ db, bus: runtime.bus, sealer: box, retryBaseMs: 10, retryMaxMs: 50, ...options });
    notifier.start();
  };

  beforeEach(() => {
    db = openSqlite(':memory:');
    runtime = new FakeRuntime();
    alarms = new AlarmEngine({ db, bus: runtime.bus, connectors });
    alarms.start();
    runtime.state(E, 'active');
  });

  afterEach(async () => {
    notifier?.stop();
    await alarms.stop();
    db.close();
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('POSTs alarm changes as JSON, in order, and shows the target masked', async () => {
    const hook = await receiver();
    servers.push(hook.server);
    startNotifier();
    const target = notifier.add({ url: hook.url }, 'admin');
    expect(target.url).toBe(`${new URL(hook.url).origin}/hooks/…`);
    expect(JSON.stringify(notifier.list())).not.toContain('secret-token');
    const stored = db.prepare('SELECT url FROM webhook_targets').get() as { url: string };
    expect(stored.url).not.toContain('secret-token');

    runtime.params(E, { temperature: 85 });
    runtime.params(E, { temperature: 86 });
    runtime.params(E, { temperature: 95 });
    runtime.params(E, { temperature: 20 });
    await until(() => hook.received.length === 3);
    expect(hook.received.map((r) => [r.change, r.alarm.severity, r.elementSeverity])).toEqual([
      ['raised', 'major', 'major'],
      ['severity', 'critical', 'critical'],
      ['cleared', 'critical', 'normal'],
    ]);
    expect(hook.received[0].alarm.paramId).toBe('temperature');
    await until(() => notifier.list()[0].delivered === 3);
    expect(notifier.list()[0]).toMatchObject({ failed: 0, queued: 0 });
  });

  it('retries failures with backoff until the receiver answers', async () => {
    const hook = await receiver([503, 500, 429]);
    servers.push(hook.server);
    startNotifier();
    notifier.add({ url: hook.url }, 'admin');
    runtime.params(E, { health: 'unhealthy' });
    runtime.params(E, { health: 'healthy' });
    await until(() => hook.received.length === 2);
    expect(hook.attempts).toBe(5);
    expect(hook.received.map((r) => r.change)).toEqual(['raised', 'cleared']);
    await until(() => notifier.list()[0].delivered === 2);
    expect(notifier.list()[0]).toMatchObject({ failed: 0, lastError: null });
  });

  it('gives up on refusals and after the last attempt, and bounds the queue of a dead receiver', async () => {
    const refusing = await receiver([400]);
    servers.push(refusing.server);
    startNotifier({ maxAttempts: 2, queueLimit: 2 });
    notifier.add({ url: refusing.url }, 'admin');
    runtime.params(E, { health: 'unhealthy' });
    await until(() => notifier.list()[0].failed === 1);
    expect(refusing.attempts).toBe(1);

    const dead = await receiver();
    await new Promise((resolve) => dead.server.close(resolve));
    const { id } = notifier.add({ url: dead.url }, 'admin');
    for (let i = 0; i < 5; i++) runtime.params(E, { temperature: i % 2 === 0 ? 85 : 20 });
    await until(() => notifier.list().find((t) => t.id === id)!.failed >= 2);
    const view = notifier.list().find((t) => t.id === id)!;
    expect(view.dropped).toBe(3);
    expect(view.lastError).toBeTruthy();
  });

  it('sends only alarms of the minimum severity, but also how they end', async () => {
    const hook = await receiver();
    servers.push(hook.server);
    startNotifier();
    notifier.add({ url: hook.url, minSeverity: 'major' }, 'admin');
    runtime.params(E, { health: 'degraded' });
    runtime.params(E, { temperature: 85 });
    runtime.params(E, { temperature: 70 });
    runtime.params(E, { temperature: 20 });
    await until(() => hook.received.length === 3);
    expect(hook.received.map((r) => [r.change, r.alarm.severity])).toEqual([
      ['raised', 'major'],
      ['severity', 'warning'],
      ['cleared', 'warning'],
    ]);
  });

  it('refuses bad targets, keeps them across restarts and re-seals them on key rotation', async () => {
    startNotifier();
    expect(() => notifier.add({ url: 'ftp://example.test/x' }, 'admin')).toThrow(/http\(s\) URL/);
    expect(() => notifier.add({ url: 'http://127.0.0.1:1/x', minSeverity: 'normal' }, 'admin')).toThrow(/minSeverity/);
    const { id } = notifier.add({ url: 'http://127.0.0.1:1/x', minSeverity: 'critical' }, 'admin');
    notifier.stop();

    const next = SecretBox.fromKeyMaterial('the next key of sufficient length');
    expect(resealWebhookUrls(db, box, next)).toBe(1);
    notifier = new WebhookNotifier({ db, bus: runtime.bus, sealer: next });
    notifier.start();
    expect(notifier.list()).toEqual([expect.objectContaining({ id, url: 'http://127.0.0.1:1/x', minSeverity: 'critical', lastError: null })]);
    notifier.remove(id);
    expect(notifier.list()).toEqual([]);
    expect(() => notifier.remove(id)).toThrow(/no webhook/);
  });
});
