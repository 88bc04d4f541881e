import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Dispatcher } from 'undici';
import { selfSignedCertificate } from '../sdk/simulator-kit/index.js';
import { DeviceConnections } from './device-connections.js';
import type { ExchangeOptions } from './http-dispatchers.js';

interface Answer {
  status: number;
  reason: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Dispatches one exchange and collects its answer, as the session's handler does. */
function exchange(
  connections: DeviceConnections,
  options: Partial<ExchangeOptions> & { origin: string; path: string },
  onChunk?: (controller: Dispatcher.DispatchController, received: number) => void,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let head: Omit<Answer, 'body'>;
    connections.dispatch({ method: 'GET', ...options } as ExchangeOptions, {
      onResponseStart: (_controller, status, headers, reason) => (head = { status, reason: reason ?? '', headers }),
      onResponseData: (controller, chunk) => {
        chunks.push(chunk);
        received += chunk.length;
        onChunk?.(controller, received);
      },
      onResponseEnd: () => resolve({ ...head, body: Buffer.concat(chunks).toString('utf8') }),
      onResponseError: (_controller, error) => reject(error),
    });
  });
}

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function using(connections: DeviceConnections): DeviceConnections {
  cleanups.push(() => connections.close());
  return connections;
}

/** A device on loopback; counts the TCP connections it accepted. */
async function httpDevice(answer: (request: IncomingMessage, response: ServerResponse, body: string) => void) {
  const server: Server = createHttpServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => answer(request, response, body));
  });
  const state = { connections: 0, server, origin: '' };
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  return state;
}

/** A device that speaks raw bytes: `onRequest` gets each request head as it arrives. */
async function rawDevice(onRequest: (socket: Socket, head: string, index: number) => void) {
  const sockets = new Set<Socket>();
  let index = 0;
  let accepted = 0;
  const server: TcpServer = createTcpServer((socket) => {
    accepted++;
    sockets.add(socket);
    let pending = '';
    socket.on('data', (chunk) => {
      pending += chunk.toString('latin1');
      let end: number;
      while ((end = pending.indexOf('\r\n\r\n')) >= 0) {
        const head = pending.slice(0, end);
        pending = pending.slice(end + 4);
        onRequest(socket, head, index++);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, accepted: () => accepted };
}

describe('DeviceConnections', () => {
  it('keeps one connection per device and sends the requests to it one after another', async () => {
    const device = await httpDevice((request, response) => {
      // Answered out of order in time: the second must still wait for the first.
      setTimeout(() => response.end(JSON.stringify({ path: request.url })), request.url === '/slow' ? 30 : 0);
    });
    const connections = using(new DeviceConnections({ keepAliveTimeout: 5_000 }));
    const answers = await Promise.all([
      exchange(connections, { origin: device.origin, path: '/slow' }),
      exchange(connections, { origin: device.origin, path: '/fast?api_key=k' }),
    ]);
    expect(answers.map((answer) => JSON.parse(answer.body).path)).toEqual(['/slow', '/fast?api_key=k']);
    await exchange(connections, { origin: device.origin, path: '/again' });
    expect(device.connections).toBe(1);
  });

  it('sends the headers and a UTF-8 body with its length, and leaves the managed headers to itself', async () => {
    let seen: { headers: IncomingMessage['headers']; body: string; method: string } | undefined;
    const device = await httpDevice((request, response, body) => {
      seen = { headers: request.headers, body, method: request.method ?? '' };
      response.writeHead(201, 'Made', { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    const connections = using(new DeviceConnections({ keepAliveTimeout: 5_000 }));
    const body = JSON.stringify({ name: 'Sortie 1 — Zürich' });
    const answer = await exchange(connections, {
      origin: device.origin,
      path: '/config/item',
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer t', 'Content-Length': '1' },
      body,
    });
    expect(answer).toMatchObject({ status: 201, reason: 'Made', body: '{"ok":true}' });
    expect(seen?.method).toBe('POST');
    expect(seen?.body).toBe(body);
    expect(seen?.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(seen?.headers).toMatchObject({ authorization: 'Bearer t', 'content-type': 'application/json', host: device.origin.slice(7) });
  });

  it('refuses a header that would inject another, without sending anything', async () => {
    const device = await httpDevice((_request, response) => response.end('{}'));
    const connections = using(new DeviceConnections({ keepAliveTimeout: 5_000 }));
    await expect(exchange(connections, { origin: device.origin, path: '/', headers: { 'x-a': 'b\r\nx-injected: 1' } })).rejects.toThrow(
      /invalid value for header x-a/,
    );
    await expect(exchange(connections, { origin: device.origin, path: '/a b' })).rejects.toThrow(/invalid request path/);
    expect(device.connections).toBe(0);
  });

  it('opens a new connection when the device closed the idle one', async () => {
    const device = await rawDevice((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}');
      // Its own keep-alive is short: it closes the connection once the answer is out.
      setTimeout(() => socket.end(), 20);
    });
    const connections = using(new DeviceConnections({ keepAliveTimeout: 5_000 }));
    await exchange(connections, { origin: device.origin, path: '/' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await exchange(connections, { origin: device.origin, path: '/' })).status).toBe(200);
    expect(device.accepted()).toBe(2);
  });

  it('lets a connection go before the idle time the device announced runs out', async () => {
    const device = await rawDevice((socket) => {
      // One second: less the margin, nothing is left, so no request may follow on this connection.
      socket.write('HTTP/1.1 200 OK\r\nKeep-Alive: timeout=1\r\nContent-Length: 2\r\n\r\n{}');
    });
    const connections = using(new DeviceConnections({ keepAliveTimeout: 5_000 }));
    await exchange(connections, { origin: device.origin, path: '/' });
    await exchange(connections, { origin: device.origin, path: '/' });
    expect(device.accepted()).toBe(2);
  });

  it('sends a GET again, once, when the device drops a kept connection just as it went out; never a POST', async () => {
    const device = await rawDevice((socket, head, index) => {
      // Every second request on a connection finds the device closing it.
      if (index % 2 === 1) socket.destroy();
      else socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${head.length}\r\n\r\n${head}`);
    });
    const connections = using(new DeviceConnections({ keepAliveTimeout: 5_000 }));
    await exchange(connections, { origin: device.origin, path: '/one' });
    const retried = await exchange(connections, { origin: device.origin, path: '/two' });
    expect(retried.body).toMatch(/^GET \/two HTTP\/1.1/);
    await expect(exchange(connections, { origin: device.origin, path: '/three', method: 'POST', body: '{}' })).rejects.toThrow(/other side closed/);
  });

  it('drops the connection of an exchange aborted mid-body and carries on with a new one', async () => {
    const big = 'x'.repeat(256 * 1024);
    const device = await httpDevice((request, response) => response.end(request.url === '/big' ? big : 'small'));
    const connections = using(new DeviceConnections({ keepAliveTimeout: 5_000 }));
    const aborted = exchange(connections, { origin: device.origin, path: '/big' }, (controller, received) => {
      if (received > 1000) controller.abort(new Error('over the cap'));
    });
    const next = exchange(connections, { origin: device.origin, path: '/small' });
    await expect(aborted).rejects.toThrow('over the cap');
    expect((await next).body).toBe('small');
    expect(device.connections).toBe(2);
  });

  it('fails an answer the device cuts short, and one that is not HTTP', async () => {
    const device = await rawDevice((socket, head) => {
      if (head.startsWith('GET /cut')) socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"partial":');
      else socket.end('220 ftp.example ready\r\n\r\n');
    });
    const connections = using(new DeviceConnections({ keepAliveTimeout: 5_000 }));
    await expect(exchange(connections, { origin: device.origin, path: '/cut' })).rejects.toThrow(/other side closed/);
    await expect(exchange(connections, { origin: device.origin, path: '/ftp' })).rejects.toThrow(/not an HTTP\/1.1 status line/);
  });

  it('fails with the connect error of a device that is not listening', async () => {
    const device = await httpDevice(() => undefined);
    const { origin } = device;
    device.server.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const connections = using(new DeviceConnections({ keepAliveTimeout: 5_000 }));
    await expect(exchange(connections, { origin, path: '/' })).rejects.toThrow(`connect ECONNREFUSED ${origin.slice(7)}`);
  });

  it('gives up on a device that never answers after the headers timeout', async () => {
    const device = await rawDevice(() => undefined);
    const connections = using(new DeviceConnections({ keepAliveTimeout: 5_000 }));
    await expect(exchange(connections, { origin: device.origin, path: '/', headersTimeout: 100 })).rejects.toMatchObject({
      code: 'UND_ERR_HEADERS_TIMEOUT',
    });
  });

  it('closes connections left idle past the keep-alive', async () => {
    const device = await httpDevice((_request, response) => response.end('{}'));
    const connections = using(new DeviceConnections({ keepAliveTimeout: 100 }));
    await exchange(connections, { origin: device.origin, path: '/' });
    const closed = new Promise<void>((resolve) => device.server.once('connection', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await exchange(connections, { origin: device.origin, path: '/' });
    await closed;
    expect(device.connections).toBe(2);
  });

  it('fails what waits when closed, and refuses new exchanges', async () => {
    const device = await rawDevice(() => undefined);
    const connections = new DeviceConnections({ keepAliveTimeout: 5_000 });
    const inFlight = exchange(connections, { origin: device.origin, path: '/a' });
    const waiting = exchange(connections, { origin: device.origin, path: '/b' });
    await connections.close();
    await expect(inFlight).rejects.toThrow('Tally is stopping');
    await expect(waiting).rejects.toThrow('Tally is stopping');
    await expect(exchange(connections, { origin: device.origin, path: '/c' })).rejects.toThrow(/closed/);
  });

  it('speaks TLS: refuses a certificate that does not verify unless told to skip verification', async () => {
    const { key, cert } = await selfSignedCertificate('127.0.0.1');
    const server = createHttpsServer({ key, cert }, (_request, response) => response.end('{"secure":true}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    });
    const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const verifying = using(new DeviceConnections({ keepAliveTimeout: 5_000 }));
    await expect(exchange(verifying, { origin, path: '/' })).rejects.toThrow(/self[- ]signed|certificate/i);
    const insecure = using(new DeviceConnections({ keepAliveTimeout: 5_000, rejectUnauthorized: false }));
    expect((await exchange(insecure, { origin, path: '/' })).body).toBe('{"secure":true}');
  });
});
