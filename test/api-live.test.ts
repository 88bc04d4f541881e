/** The live WebSocket on a real socket: authentication, subscriptions, batching, slow clients dropped. */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { LiveMessage } from '../src/runtime/views.js';
import { PASSWORD, startTestTally, waitFor, type TestTally } from './api-support.js';

interface LiveConnection {
  socket: WebSocket;
  frames: unknown[][];
  /** The first message (across frames) matching `predicate`. */
  next<T = LiveMessage>(predicate: (message: T) => boolean): Promise<T>;
}

function openLive(
  url: string,
  headers: Record<string, string>,
  onSocket?: (socket: Socket) => void,
  clientOptions: { autoPong?: boolean } = {},
): Promise<LiveConnection> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace('http', 'ws')}/api/live`, {
      ...clientOptions,
      headers,
      createConnection: (options: { host?: string; port?: number }) => {
        const raw = connect({ host: options.host ?? '127.0.0.1', port: Number(options.port) });
        onSocket?.(raw);
        return raw;
      },
    } as ConstructorParameters<typeof WebSocket>[2]);
    const frames: unknown[][] = [];
    socket.on('message', (data) => frames.push(JSON.parse(data.toString()) as unknown[]));
    socket.once('unexpected-response', (request, response) => {
      request.destroy();
      reject(new Error(`HTTP ${response.statusCode}`));
    });
    socket.once('error', reject);
    socket.once('open', () =>
      resolve({
        socket,
        frames,
        next: <T>(predicate: (message: T) => boolean) => waitFor(() => frames.flat().find((message) => predicate(message as T)) as T | undefined, 5000),
      }),
    );
  });
}

describe('live updates', () => {
  let t: TestTally;
  let id: string;
  const bearer = (role: 'viewer' | 'operator' | 'admin') => ({ authorization: `Bearer ${t.tokens[role]}` });

  beforeAll(async () => {
    t = await startTestTally();
    id = (await t.createElement()).id;
  });
  afterAll(async () => t.close());

  it('refuses a connection without credentials', async () => {
    await expect(openLive(t.tally.url, {})).rejects.toThrow('HTTP 401');
    await expect(openLive(t.tally.url, { authorization: 'Bearer tly_wrong' })).rejects.toThrow('HTTP 401');
  });

  it('pushes the changes of subscribed elements to a viewer', async () => {
    const live = await openLive(t.tally.url, bearer('viewer'));
    live.socket.send(JSON.stringify({ subscribe: { elements: [id] } }));
    await live.next<{ type: string; elements: unknown }>((message) => message.type === 'subscribed');
    await t.call('operator', { method: 'PUT', url: `/api/elements/${id}/params/gain`, payload: { value: 7 } });
    const change = await live.next<LiveMessage>(
      (message) => message.type === 'params' && message.elementId === id && message.params.some((param) => param.id === 'gain'),
    );
    expect(change.type === 'params' && change.params.find((param) => param.id === 'gain')?.value).toBe(7);
    live.socket.close();
  });

  it('sends only what was subscribed, batched into one JSON array', async () => {
    const live = await openLive(t.tally.url, bearer('viewer'));
    live.socket.send(JSON.stringify({ subscribe: { elements: ['other'] } }));
    await live.next<{ type: string }>((message) => message.type === 'subscribed');
    const before = live.frames.length;
    t.tally.bus.publish({ type: 'element-removed', elementId: id });
    t.tally.bus.publish({ type: 'element-removed', elementId: 'other' });
    t.tally.bus.publish({ type: 'rows', elementId: 'other', tableId: 'outputs', rows: [], removed: ['a'] });
    await live.next<LiveMessage>((message) => message.type === 'rows');
    const pushed = live.frames.slice(before);
    expect(pushed).toEqual([
      [
        { type: 'element-removed', elementId: 'other' },
        { type: 'rows', elementId: 'other', tableId: 'outputs', rows: [], removed: ['a'] },
      ],
    ]);
    live.socket.send(JSON.stringify({ unsubscribe: { elements: '*' } }));
    const answer = await live.next<{ type: string; elements: unknown }>((message) => message.type === 'subscribed' && Array.isArray(message.elements) && message.elements.length === 0);
    expect(answer.elements).toEqual([]);
    live.socket.send('not json');
    await live.next<{ type: string }>((message) => message.type === 'error');
    live.socket.close();
  });

  it('sends an overview subscriber element states and alarms of every element, not their params or rows', async () => {
    const overview = await openLive(t.tally.url, bearer('viewer'));
    overview.socket.send(JSON.stringify({ subscribe: { overview: true } }));
    const answer = await overview.next<{ type: string }>((message) => message.type === 'subscribed');
    expect(answer).toEqual({ type: 'subscribed', elements: [], overview: true });
    const detail = await openLive(t.tally.url, bearer('viewer'));
    detail.socket.send(JSON.stringify({ subscribe: { elements: [id] } }));
    await detail.next<{ type: string }>((message) => message.type === 'subscribed');

    await t.call('operator', { method: 'PUT', url: `/api/elements/${id}/params/gain`, payload: { value: 9 } });
    await detail.next<LiveMessage>((message) => message.type === 'params' && message.params.some((param) => param.id === 'gain' && param.value === 9));
    t.tally.bus.publish({ type: 'rows', elementId: id, tableId: 'outputs', rows: [], removed: ['gone'] });
    const paused = await t.call('operator', { method: 'POST', url: `/api/elements/${id}/state`, payload: { state: 'paused' } });
    expect(paused.statusCode).toBe(200);
    await overview.next<LiveMessage>((message) => message.type === 'element' && message.element.id === id && message.element.state === 'paused');
    // Published after the params and rows above, so it arrives only once those were dispatched too.
    t.tally.bus.publish({ type: 'alarm', alarm: { id: 41, elementId: id, severity: 'major' } });
    await overview.next<LiveMessage>((message) => message.type === 'alarm' && message.alarm.id === 41);
    t.tally.bus.publish({ type: 'alarm', alarm: { id: 42, severity: 'minor', source: 'platform' } });
    await overview.next<LiveMessage>((message) => message.type === 'alarm' && message.alarm.id === 42);

    const types = new Set(overview.frames.flat().map((message) => (message as { type: string }).type));
    expect(types.has('params')).toBe(false);
    expect(types.has('rows')).toBe(false);
    await t.call('operator', { method: 'POST', url: `/api/elements/${id}/state`, payload: { state: 'active' } });
    overview.socket.close();
    detail.socket.close();
  });

  it('combines the overview with element subscriptions, and lets the overview go on its own', async () => {
    const live = await openLive(t.tally.url, bearer('viewer'));
    live.socket.send(JSON.stringify({ subscribe: { elements: [id], overview: true } }));
    const both = await live.next<{ type: string }>((message) => message.type === 'subscribed');
    expect(both).toEqual({ type: 'subscribed', elements: [id], overview: true });
    t.tally.bus.publish({ type: 'element-removed', elementId: 'elsewhere' });
    t.tally.bus.publish({ type: 'rows', elementId: id, tableId: 'outputs', rows: [], removed: ['first'] });
    await live.next<LiveMessage>((message) => message.type === 'rows' && message.removed[0] === 'first');
    expect(live.frames.flat()).toContainEqual({ type: 'element-removed', elementId: 'elsewhere' });

    live.socket.send(JSON.stringify({ unsubscribe: { overview: true } }));
    const elementsOnly = await live.next<{ type: string; overview?: boolean }>((message) => message.type === 'subscribed' && message.overview === false);
    expect(elementsOnly).toEqual({ type: 'subscribed', elements: [id], overview: false });
    t.tally.bus.publish({ type: 'element-removed', elementId: 'further' });
    t.tally.bus.publish({ type: 'rows', elementId: id, tableId: 'outputs', rows: [], removed: ['second'] });
    await live.next<LiveMessage>((message) => message.type === 'rows' && message.removed[0] === 'second');
    expect(live.frames.flat()).not.toContainEqual({ type: 'element-removed', elementId: 'further' });
    live.socket.close();
  });

  it('refuses an overview that is not a boolean, naming the field, and applies nothing of that frame', async () => {
    const live = await openLive(t.tally.url, bearer('viewer'));
    live.socket.send(JSON.stringify({ subscribe: { elements: [id], overview: 'yes' } }));
    const refused = await live.next<{ type: string }>((message) => message.type === 'error');
    expect(refused).toEqual({ type: 'error', error: { code: 'VALIDATION', field: 'overview', message: '"overview" must be a boolean' } });
    live.socket.send(JSON.stringify({ subscribe: { overview: true } }));
    const answer = await live.next<{ type: string }>((message) => message.type === 'subscribed');
    expect(answer).toEqual({ type: 'subscribed', elements: [], overview: true });
    live.socket.close();
  });

  it('accepts the session cookie from the UI origin only', async () => {
    const signedIn = await t.tally.server.inject({ method: 'POST', url: '/api/session', payload: { username: 'viewer', password: PASSWORD } });
    const cookie = String(signedIn.headers['set-cookie']).split(';')[0];
    const host = new URL(t.tally.url).host;
    const own = await openLive(t.tally.url, { cookie, origin: `http://${host}` });
    own.socket.close();
    await expect(openLive(t.tally.url, { cookie, origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
  });

  it('drops a client that does not read (close 1013) instead of buffering for it', async () => {
    let raw: Socket | undefined;
    const slow = await openLive(t.tally.url, bearer('viewer'), (socket) => (raw = socket));
    slow.socket.send(JSON.stringify({ subscribe: { elements: '*' } }));
    await slow.next<{ type: string }>((message) => message.type === 'subscribed');
    raw?.pause();
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      slow.socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    const big = { id: 'blob', name: 'Blob', type: 'string' as const, value: 'x'.repeat(256 * 1024), display: '', unit: null, writable: false, secret: false, isSet: true, stale: false, updatedAt: 0 };
    const serverSide = () => [...t.tally.server.websocketServer.clients].every((client) => client.readyState !== WebSocket.OPEN);
    for (let tick = 0; tick < 200 && !serverSide(); tick++) {
      for (let i = 0; i < 8; i++) t.tally.bus.publish({ type: 'params', elementId: id, params: [big] });
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    expect(serverSide()).toBe(true);
    raw?.resume();
    expect(await closed).toEqual({ code: 1013, reason: 'client too slow' });
  });

  it('cuts off a client that stops answering pings, and keeps one that answers', async () => {
    const quick = await startTestTally({ server: { live: { heartbeatMs: 200 } } });
    try {
      const headers = { authorization: `Bearer ${quick.tokens.viewer}` };
      const deaf = await openLive(quick.tally.url, headers, undefined, { autoPong: false });
      const healthy = await openLive(quick.tally.url, headers);
      const deafClosed = new Promise<number>((resolve) => deaf.socket.once('close', (code) => resolve(code)));
      expect(await deafClosed).toBe(1006);
      expect(healthy.socket.readyState).toBe(WebSocket.OPEN);
      healthy.socket.close();
    } finally {
      await quick.close();
    }
  });

  it('ends a live connection at the next heartbeat once its token is revoked', async () => {
    const quick = await startTestTally({ server: { live: { heartbeatMs: 200 } } });
    try {
      const { token, view } = quick.tally.users.createToken('viewer', 'short-lived');
      const live = await openLive(quick.tally.url, { authorization: `Bearer ${token}` });
      const closed = new Promise<{ code: number; reason: string }>((resolve) => live.socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
      quick.tally.users.revokeToken('viewer', view.id);
      expect(await closed).toEqual({ code: 1008, reason: 'signed out' });
    } finally {
      await quick.close();
    }
  });
});
