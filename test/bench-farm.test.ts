import { connect, type AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createPlainHttpServer, parseHead, type PlainHttpServer, type PlainRequest } from '../bench/farm-http.js';
import { devicesPerShard } from '../bench/farm-layout.js';
import { DEFAULT_FARM_NICE, parseNice } from '../bench/farm-client.js';

let server: PlainHttpServer | undefined;
let agent: Agent | undefined;

afterEach(async () => {
  await agent?.close();
  await server?.stop();
  server = agent = undefined;
});

/** A server that echoes each request as JSON, on a loopback port. */
async function echoServer(seen: PlainRequest[] = [], latencyMs = 0): Promise<number> {
  server = createPlainHttpServer((req) => {
    seen.push(req);
    return { status: req.target === '/missing' ? 404 : 200, contentType: 'application/json', body: JSON.stringify(req), headers: { 'X-Device': 'sim' } };
  }, latencyMs);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Writes `chunks` on one raw connection, a tick apart, and reads until the server closes it. */
function exchangeRaw(port: number, chunks: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => (received += text));
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        socket.write(chunk);
        await new Promise((next) => setTimeout(next, 5));
      }
    });
  });
}

describe('the farm HTTP server', () => {
  it('answers a real HTTP client over one kept-alive connection, GET and POST alike', async () => {
    const seen: PlainRequest[] = [];
    const port = await echoServer(seen);
    agent = new Agent({ connections: 1 });
    const first = await request(`http://127.0.0.1:${port}/inputs?api_key=k%20ey`, { dispatcher: agent });
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-device']).toBe('sim');
    expect(first.headers['keep-alive']).toBe('timeout=65');
    expect(first.headers.date).toMatch(/GMT$/);
    expect(await first.body.json()).toEqual({ method: 'GET', target: '/inputs?api_key=k%20ey', body: '' });
    const second = await request(`http://127.0.0.1:${port}/config/item`, { dispatcher: agent, method: 'POST', body: '{"item":"é","value":1}' });
    expect(await second.body.json()).toEqual({ method: 'POST', target: '/config/item', body: '{"item":"é","value":1}' });
    const missing = await request(`http://127.0.0.1:${port}/missing`, { dispatcher: agent });
    expect(missing.statusCode).toBe(404);
    await missing.body.dump();
    expect(seen).toHaveLength(3);
  });

  it('answers requests that arrive together, and one split across reads, in order', async () => {
    const port = await echoServer();
    const text = await exchangeRaw(port, [
      'GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 5\r\n\r\nhe',
      'llo',
      'GET /c HTTP/1.1\r\nHo',
      'st: x\r\nConnection: close\r\n\r\n',
    ]);
    const bodies = text.split('\r\n\r\n').filter((part) => part.startsWith('{'));
    expect(bodies.map((body) => JSON.parse(body.replace(/HTTP\/1\.1.*$/s, '')) as PlainRequest)).toEqual([
      { method: 'GET', target: '/a', body: '' },
      { method: 'POST', target: '/b', body: 'hello' },
      { method: 'GET', target: '/c', body: '' },
    ]);
    expect(text).toContain('Connection: close');
  });

  it('answers late by the latency asked for, a far device, still in order', async () => {
    const port = await echoServer([], 120);
    const sentAt = performance.now();
    const text = await exchangeRaw(port, ['GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
    expect(performance.now() - sentAt).toBeGreaterThanOrEqual(120);
    expect([...text.matchAll(/"target":"(\/\w)"/g)].map((match) => match[1])).toEqual(['/a', '/b']);
  });

  it('refuses what it cannot serve with a 4xx and closes the connection', async () => {
    const port = await echoServer();
    expect(await exchangeRaw(port, ['BROKEN\r\n\r\n'])).toMatch(/^HTTP\/1\.1 400 Bad Request[\s\S]*malformed request line/);
    expect(await exchangeRaw(port, ['POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n'])).toMatch(/^HTTP\/1\.1 400 [\s\S]*Transfer-Encoding/);
    expect(await exchangeRaw(port, ['POST /b HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n'])).toMatch(/^HTTP\/1\.1 413 /);
    expect(await exchangeRaw(port, [`GET /${'x'.repeat(20_000)}`])).toMatch(/^HTTP\/1\.1 431 /);
  });
});

describe('parseHead', () => {
  it('reads the request line, Content-Length and the connection it asks for', () => {
    expect(parseHead('GET /x HTTP/1.1\r\nHost: a')).toEqual({ method: 'GET', target: '/x', contentLength: 0, close: false });
    expect(parseHead('POST /x HTTP/1.0\r\ncontent-length: 12')).toEqual({ method: 'POST', target: '/x', contentLength: 12, close: true });
    expect(parseHead('GET /x HTTP/1.0\r\nConnection: Keep-Alive')).toMatchObject({ close: false });
    expect(parseHead('GET /x HTTP/1.1\r\nConnection: close')).toMatchObject({ close: true });
    expect(parseHead('GET /x HTTP/1.1\r\nContent-Length: -1')).toBe('malformed Content-Length');
    expect(parseHead('GET /x HTTP/1.1\r\nno colon')).toBe('malformed header');
    expect(parseHead('GET x HTTP/1.1')).toBe('malformed request line');
  });
});

describe('devicesPerShard', () => {
  const limits = (soft: string): string =>
    `Limit                     Soft Limit           Hard Limit           Units     \nMax open files            ${soft}                20000                files     \n`;

  it('keeps two descriptors a device within the soft open-file limit, up to 5,000 devices', () => {
    expect(devicesPerShard(limits('20000'))).toBe(5000);
    expect(devicesPerShard(limits('8192'))).toBe(4046);
    expect(devicesPerShard(limits('1024'))).toBe(462);
    expect(devicesPerShard(limits('50'))).toBe(1);
    expect(devicesPerShard(limits('unlimited'))).toBe(5000);
    expect(devicesPerShard('')).toBe(5000);
  });
});

describe('the farm nice value', () => {
  it('takes a whole number from 0 to 19', () => {
    expect(parseNice('0')).toBe(0);
    expect(parseNice('19')).toBe(19);
    expect(parseNice(String(DEFAULT_FARM_NICE))).toBe(DEFAULT_FARM_NICE);
  });

  it('refuses anything else, naming the option', () => {
    for (const bad of ['-1', '20', '2.5', 'high', '', undefined]) expect(() => parseNice(bad)).toThrow(/--farm-nice/);
  });
});
