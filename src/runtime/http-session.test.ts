import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { DeviceHttpError, DeviceProtocolError } from '../sdk/index.js';
import { DeviceConnections } from './device-connections.js';
import { DeviceUnreachableError } from './device-failure.js';
import { HttpDispatchers, type ExchangeDispatcher } from './http-dispatchers.js';
import { HttpThreads } from './http-threads.js';
import { ElementHttpSession, parseRetryAfter } from './http-session.js';
import { proxyFor } from './proxy-decision.js';
import { MASK } from './secret-masker.js';
import { DETAILS_KEPT, NOT_KEPT_BECAUSE, StreamViewer, type Exchange } from './stream-viewer.js';

type Handler = (request: IncomingMessage, response: ServerResponse, body: string) => void;

let server: Server;
let baseUrl: string;
let handler: Handler;
let hits: { method: string; url: string; body: string }[];
const connections = new DeviceConnections({ keepAliveTimeout: 1_000 });
const agent = new Agent({ keepAliveTimeout: 1_000 });
const threads = new HttpThreads(1);
/**
 * The session behaves the same on Tally's device connections (direct routes), on the event
 * loop or on an HTTP thread, and on undici (proxied routes).
 */
const DISPATCHERS: [string, ExchangeDispatcher][] = [
  ['on the event loop', connections],
  ['through undici, as proxied routes', agent],
  ['on an HTTP thread', threads.dispatcher({ proxy: null, skipTlsVerify: false })],
];
let dispatcher: ExchangeDispatcher;

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      hits.push({ method: request.method ?? '', url: request.url ?? '', body });
      handler(request, response, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await connections.close();
  await agent.close();
  await threads.close();
});

beforeEach(() => {
  hits = [];
});

function session(options: { timeout?: number; retries?: number; cap?: number } = {}): { http: ElementHttpSession; viewer: StreamViewer } {
  const viewer = new StreamViewer();
  // Open, as an operator diagnosing the device has it: successful exchanges keep their details too.
  viewer.watch(Date.now());
  const http = new ElementHttpSession(
    { baseUrl, dispatcher, requestTimeout: options.timeout ?? 2_000, retries: options.retries ?? 2, maxBodyBytes: options.cap },
    viewer,
  );
  return { http, viewer };
}

describe.each(DISPATCHERS)('ElementHttpSession, exchanges %s', (_where, chosen) => {
  beforeAll(() => {
    dispatcher = chosen;
  });

  it('answers with status line, headers and JSON whatever the content type', async () => {
    handler = (_request, response) => {
      response.setHeader('content-type', 'text/plain');
      response.end('{"ok":true}');
    };
    const { http } = session();
    const answer = await http.get('/status', { query: { verbose: true, skip: null } });
    expect(answer.statusLine).toBe('200 OK');
    expect(answer.json()).toEqual({ ok: true });
    expect(http.lastStatus).toBe('200 OK');
    expect(hits[0].url).toBe('/status?verbose=true');
  });

  it('asks what the query says now, whether it changed, was emptied or was changed in place', async () => {
    handler = (_request, response) => response.end('{}');
    const { http, viewer } = session();
    const mutable: Record<string, string> = { api_key: 'one' };
    await http.get('/inputs', { query: { api_key: 'one' } });
    await http.get('/inputs', { query: { api_key: 'two' } });
    await http.get('/inputs', { query: { api_key: 'one' } });
    await http.get('/inputs');
    await http.get('/inputs', { query: {} });
    await http.get('/inputs', { query: { api_key: 'one', extra: undefined } });
    await http.get('/outputs', { query: mutable });
    mutable.api_key = 'three';
    await http.get('/outputs', { query: mutable });
    expect(hits.map((hit) => hit.url)).toEqual([
      '/inputs?api_key=one', '/inputs?api_key=two', '/inputs?api_key=one', '/inputs', '/inputs', '/inputs?api_key=one',
      '/outputs?api_key=one', '/outputs?api_key=three',
    ]);
    const entries = viewer.entries();
    expect(entries[2].url).toBe(`${baseUrl}/inputs?api_key=${MASK}`); // secrets masked when read, as ever
  });

  it('turns bad JSON into a protocol error', async () => {
    handler = (_request, response) => response.end('<html>');
    const answer = await session().http.get('/');
    expect(() => answer.json()).toThrow(DeviceProtocolError);
  });

  it('gives up on a device that does not answer within the request timeout', async () => {
    handler = () => undefined; // never answers
    const { http, viewer } = session({ timeout: 150, retries: 0 });
    const started = Date.now();
    await expect(http.get('/slow')).rejects.toThrow(new DeviceUnreachableError('no answer within 150 ms', true));
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(http.lastStatus).toBe('no answer within 150 ms');
    expect(viewer.entries()[0]).toMatchObject({ method: 'GET', status: null, error: 'no answer within 150 ms' });
  });

  it('retries a GET after a 503, waiting as long as Retry-After says', async () => {
    let calls = 0;
    handler = (_request, response) => {
      calls++;
      if (calls === 1) {
        response.writeHead(503, { 'retry-after': '1' });
        response.end('busy');
      } else {
        response.end('{}');
      }
    };
    const started = Date.now();
    const answer = await session().http.get('/');
    expect(answer.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(calls).toBe(2);
  });

  it('holds every request of the element until Retry-After has passed, not only the retried one', async () => {
    let refuse = true;
    handler = (_request, response) => {
      if (refuse) {
        response.writeHead(503, { 'retry-after': '1' });
        response.end('busy');
      } else {
        response.end('{}');
      }
    };
    const { http } = session();
    http.setDeadline(Date.now() + 300);
    await expect(http.get('/inputs')).rejects.toThrow('503');
    // The next poll group cannot wait a second: it fails at once, without asking the device.
    await expect(http.get('/outputs')).rejects.toThrow('503');
    expect(hits.map((hit) => hit.url)).toEqual(['/inputs']);

    refuse = false;
    http.setDeadline(Infinity);
    const started = Date.now();
    expect((await http.get('/outputs')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(hits.map((hit) => hit.url)).toEqual(['/inputs', '/outputs']);
  });

  it('does not retry past the running work deadline, nor a POST, nor a 4xx', async () => {
    handler = (_request, response) => {
      response.writeHead(503, { 'retry-after': '5' });
      response.end('busy');
    };
    const { http } = session();
    http.setDeadline(Date.now() + 1_000);
    const failure = await http.get('/').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DeviceHttpError);
    expect((failure as DeviceHttpError).statusLine).toBe('503 Service Unavailable');
    expect(hits).toHaveLength(1);

    hits = [];
    await expect(session().http.post('/do', { a: 1 })).rejects.toThrow('device answered 503 Service Unavailable');
    expect(hits).toEqual([{ method: 'POST', url: '/do', body: '{"a":1}' }]);

    hits = [];
    handler = (_request, response) => {
      response.statusCode = 404;
      response.end('missing');
    };
    await expect(session().http.get('/x')).rejects.toMatchObject({ status: 404, body: 'missing' });
    expect(hits).toHaveLength(1);
    const accepted = await session().http.get('/x', { accept: (status) => status === 404 });
    expect(accepted.status).toBe(404);
  });

  it('retries network errors and reports them', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const viewer = new StreamViewer();
    const http = new ElementHttpSession(
      { baseUrl: `http://127.0.0.1:${port}`, dispatcher, requestTimeout: 1_000, retries: 1 },
      viewer,
    );
    await expect(http.get('/')).rejects.toThrow(`connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(viewer.entries()).toHaveLength(2);
    expect(http.lastStatus).toBe(`connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('refuses a response body larger than the cap', async () => {
    handler = (_request, response) => {
      const chunk = Buffer.alloc(1024 * 1024, 'x');
      for (let i = 0; i < 9; i++) response.write(chunk);
      response.end();
    };
    await expect(session().http.get('/big')).rejects.toThrow(new DeviceProtocolError('response body larger than 8 MiB'));
    handler = (_request, response) => response.end('x'.repeat(2048));
    await expect(session({ cap: 1024 }).http.get('/big')).rejects.toThrow('response body larger than 1 KiB');
  });

  it('masks secrets in the stream viewer and truncates bodies', async () => {
    handler = (request, response) => {
      if (request.url === '/login') response.end('{"token":"tok-98765","user":"admin"}');
      else response.end(`{"echo":"tok-98765","blob":"${'y'.repeat(6000)}"}`);
    };
    const { http, viewer } = session();
    viewer.masker.setParamSecrets(['s3cr3t-key']);
    await http.post('/login', { password: 's3cr3t-key' }, { headers: { authorization: 'Basic abc' } });
    http.maskSecret('tok-98765');
    await http.get('/data', { query: { api_key: 'plain-key', page: 2 }, headers: { 'x-user-token': 'tok-98765' } });
    const [login, data] = viewer.entries();
    const text = JSON.stringify(viewer.entries());
    expect(text).not.toContain('s3cr3t-key');
    expect(text).not.toContain('tok-98765');
    expect(text).not.toContain('plain-key');
    expect(login.requestHeaders.authorization).toBe(MASK);
    expect(login.responseBody).toBe(`{"token":"${MASK}","user":"admin"}`);
    expect(data.url).toBe(`${baseUrl}/data?api_key=${MASK}&page=2`);
    expect(data.responseBody!.length).toBeLessThan(4200);
    expect(data.responseBody).toContain('[truncated');
  });

  it('shows response headers as received, a repeated one joined, and masks them when read', async () => {
    handler = (_request, response) => {
      response.setHeader('set-cookie', ['a=1', 'b=2']);
      response.setHeader('x-trace', ['t1', 't2']);
      response.setHeader('x-echo', 'tok-55555');
      response.end('{}');
    };
    const { http, viewer } = session();
    const answer = await http.get('/headers');
    expect(answer.headers).toMatchObject({ 'set-cookie': 'a=1, b=2', 'x-trace': 't1, t2', 'x-echo': 'tok-55555' });
    http.maskSecret('tok-55555');
    const [entry] = viewer.entries();
    expect(entry.requestHeaders).toEqual({});
    expect(entry.responseHeaders).toMatchObject({ 'set-cookie': MASK, 'x-trace': 't1, t2', 'x-echo': MASK });
    expect(answer.headers['x-echo']).toBe('tok-55555');
  });

  it('keeps only the most recent exchanges', async () => {
    // Each answer its own: a body kept as the bytes read must not be overwritten by later reads.
    handler = (request, response) => response.end(`ok ${request.url!.slice('/n/'.length).padStart(3, '0')}`);
    const { http, viewer } = session();
    for (let i = 0; i < 105; i++) await http.get(`/n/${i}`);
    const entries = viewer.entries();
    expect(entries).toHaveLength(100);
    expect(entries[0].url).toBe(`${baseUrl}/n/5`);
    expect(entries[99].url).toBe(`${baseUrl}/n/104`);
    // Only the newest exchanges keep their headers and bodies; the others keep their line and say what was there.
    expect(entries.slice(-DETAILS_KEPT).map((entry) => [entry.responseBody, entry.responseHeaders['content-length']])).toEqual(
      [100, 101, 102, 103, 104].map((n) => [`ok ${n}`, '6']),
    );
    const older = entries[99 - DETAILS_KEPT];
    expect(older.responseBody).toBe(`[6 bytes, not kept: ${NOT_KEPT_BECAUSE}]`);
    expect(older).toMatchObject({ method: 'GET', url: `${baseUrl}/n/${104 - DETAILS_KEPT}`, status: 200, statusLine: '200 OK', responseHeaders: {}, error: null });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

describe('proxyFor', () => {
  const env = { HTTPS_PROXY: 'http://proxy:3128', HTTP_PROXY: 'http://proxy:8080', NO_PROXY: 'localhost,.internal,10.1.2.3:8443' };
  it('uses the system proxy unless ByPassProxy or NO_PROXY says otherwise', () => {
    expect(proxyFor(new URL('https://device.example'), '', env)).toBe('http://proxy:3128');
    expect(proxyFor(new URL('http://device.example'), '', env)).toBe('http://proxy:8080');
    expect(proxyFor(new URL('https://device.example'), 'ByPassProxy', env)).toBeNull();
    expect(proxyFor(new URL('http://localhost:99'), '', env)).toBeNull();
    expect(proxyFor(new URL('http://a.b.internal'), '', env)).toBeNull();
    expect(proxyFor(new URL('https://10.1.2.3:8443'), '', env)).toBeNull();
    expect(proxyFor(new URL('https://10.1.2.3:9443'), '', env)).toBe('http://proxy:3128');
    expect(proxyFor(new URL('http://device.example'), '', {})).toBeNull();
    expect(proxyFor(new URL('http://device.example'), '', { http_proxy: 'http://p:1', no_proxy: '*' })).toBeNull();
  });
});

describe('StreamViewer', () => {
  it('keeps masking a secret after the operator replaced it', () => {
    const viewer = new StreamViewer();
    viewer.watch(0);
    viewer.masker.setParamSecrets(['old-secret-1']);
    viewer.record({
      time: 0,
      method: 'GET',
      url: 'http://d/x?k=old-secret-1',
      requestHeaders: {},
      requestBody: null,
      status: 200,
      statusLine: '200 OK',
      responseHeaders: {},
      responseBody: Buffer.from('old-secret-1'),
      durationMs: 1,
      error: null,
    });
    viewer.masker.setParamSecrets(['new-secret-2']);
    expect(JSON.stringify(viewer.entries())).not.toContain('old-secret-1');
  });

  it('reuses its slots without anything of the exchange recorded there before', () => {
    const viewer = new StreamViewer(2);
    viewer.watch(0);
    const exchange = (n: number, failed: boolean): Exchange => ({
      time: n,
      method: failed ? 'POST' : 'GET',
      url: `http://d/${n}`,
      requestHeaders: failed ? { 'x-n': String(n) } : {},
      requestBody: failed ? 'ask' : null,
      status: failed ? null : 200,
      statusLine: failed ? '' : '200 OK',
      responseHeaders: failed ? {} : { 'x-r': ['1', '2'] },
      responseBody: failed ? null : Buffer.from(`answer ${n}`),
      durationMs: n,
      error: failed ? 'boom' : null,
    });
    for (let n = 1; n <= 3; n++) viewer.record(exchange(n, n === 1));
    viewer.record(exchange(4, true));
    expect(viewer.entries()).toEqual([
      { ...exchange(3, false), responseHeaders: { 'x-r': '1, 2' }, responseBody: 'answer 3' },
      exchange(4, true),
    ]);
  });
});

describe('HttpDispatchers', () => {
  it('sends requests through the system proxy, except for ByPassProxy elements', async () => {
    const tunnels: string[] = [];
    const proxy = createServer();
    proxy.on('connect', (request: IncomingMessage, client: Socket) => {
      tunnels.push(request.url ?? '');
      const [host, port] = (request.url ?? '').split(':');
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const dispatchers = new HttpDispatchers({ HTTP_PROXY: proxyUrl });
    handler = (_request, response) => response.end('{"via":"device"}');
    try {
      const through = (deviceAddress: string) =>
        new ElementHttpSession(
          { baseUrl, dispatcher: dispatchers.forTarget(new URL(baseUrl), deviceAddress, false), requestTimeout: 2_000, retries: 0 },
          new StreamViewer(),
        );
      expect((await through('').get('/a')).json()).toEqual({ via: 'device' });
      expect(tunnels).toEqual([new URL(baseUrl).host]);
      expect((await through('ByPassProxy').get('/b')).json()).toEqual({ via: 'device' });
      expect(tunnels).toHaveLength(1);
      expect(hits.map((hit) => hit.url)).toEqual(['/a', '/b']);
    } finally {
      await dispatchers.close();
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
