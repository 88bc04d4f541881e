/**
 * Tally's own HTTP/1.1 client for direct connections to devices: one keep-alive connection
 * per device (plain TCP or TLS), requests to the same device one after another, and
 * answers read by http1-response-parser.ts.
 *
 * Why not undici here: an element's requests are small GETs on a connection that stays
 * open, and at thousands of devices the client's own work per request is a good part of
 * the poller's CPU; this one does about 60 % of undici's for the same exchange (measured
 * in bench/README.md). It speaks undici's dispatch interface, so sessions and HTTP threads
 * use either; proxied routes stay on undici's ProxyAgent.
 */
import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { Dispatcher } from 'undici';
import { HttpProtocolError, ResponseParser, type ResponseHead } from './http1-response-parser.js';
import type { ExchangeDispatcher, ExchangeOptions } from './http-dispatchers.js';
import { writeAtEndOfTurn } from './turn-writes.js';

export interface DeviceConnectionsOptions {
  /** An idle connection is closed after this long (ms). */
  keepAliveTimeout: number;
  /** TLS: refuse a certificate that does not verify (default true). */
  rejectUnauthorized?: boolean;
}

/** How often idle connections and exchanges past undici-style timeouts are looked for. */
const SWEEP_MS = 1_000;
/** A connection is let go this long before the device said it would close it (Keep-Alive: timeout=N). */
const KEEP_ALIVE_MARGIN_MS = 1_000;
const NO_TRAILERS = Object.freeze({});
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Headers the connection itself manages; a caller's would contradict what it sends.
const MANAGED_HEADERS = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive', 'upgrade']);

export class DeviceConnections implements ExchangeDispatcher {
  private readonly origins = new Map<string, OriginConnection>();
  private readonly sweeper: ReturnType<typeof setInterval>;
  private closed = false;

  constructor(private readonly options: DeviceConnectionsOptions) {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS).unref();
  }

  dispatch(options: ExchangeOptions, handler: Dispatcher.DispatchHandler): boolean {
    const exchange = new PendingRequest(options, handler);
    if (this.closed) {
      exchange.fail(new Error('the device connections are closed'));
      return false;
    }
    const origin = String(options.origin);
    let connection = this.origins.get(origin);
    if (!connection) {
      connection = new OriginConnection(origin, this.options.rejectUnauthorized !== false);
      this.origins.set(origin, connection);
    }
    exchange.controller.connection = connection;
    connection.enqueue(exchange);
    return true;
  }

  /** Fails what is waiting or in flight and closes every connection. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    for (const connection of this.origins.values()) connection.close(new Error('Tally is stopping'));
    this.origins.clear();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [origin, connection] of this.origins) {
      if (connection.sweep(now, this.options.keepAliveTimeout)) this.origins.delete(origin);
    }
  }
}

/** The controller a handler gets: abort is the only thing it can ask for. */
class ExchangeController implements Dispatcher.DispatchController {
  connection: OriginConnection | null = null;
  private abortedWith: Error | null = null;

  constructor(private readonly exchange: PendingRequest) {}

  get aborted(): boolean {
    return this.abortedWith !== null;
  }

  get paused(): boolean {
    return false;
  }

  get reason(): Error | null {
    return this.abortedWith;
  }

  abort(reason: Error): void {
    if (this.abortedWith) return;
    this.abortedWith = reason;
    this.connection?.abort(this.exchange, reason);
  }

  // Bodies are collected whole; there is no back-pressure to apply.
  pause(): void {}
  resume(): void {}
}

class PendingRequest {
  readonly controller = new ExchangeController(this);
  /** When the request was written, then when the last byte of its answer came (ms). */
  lastActivity = 0;
  settled = false;
  headReceived = false;
  private retried = false;

  constructor(
    readonly options: ExchangeOptions,
    private readonly handler: Dispatcher.DispatchHandler,
  ) {}

  get method(): string {
    return this.options.method;
  }

  /** Once, for a request that met a connection the device had just closed. */
  mayRetry(): boolean {
    if (this.retried || (this.method !== 'GET' && this.method !== 'HEAD')) return false;
    this.retried = true;
    return true;
  }

  start(): void {
    this.call(() => this.handler.onRequestStart?.(this.controller, {}));
  }

  head(head: ResponseHead): void {
    this.headReceived = true;
    this.call(() => this.handler.onResponseStart?.(this.controller, head.status, head.headers as never, head.reason));
  }

  data(chunk: Buffer): void {
    this.call(() => this.handler.onResponseData?.(this.controller, chunk));
  }

  end(): void {
    if (this.settled) return;
    this.settled = true;
    this.call(() => this.handler.onResponseEnd?.(this.controller, NO_TRAILERS));
  }

  fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.call(() => this.handler.onResponseError?.(this.controller, error));
  }

  /** A handler that throws is the handler's problem: the connection carries on. */
  private call(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      if (!this.settled) this.controller.abort(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

/** One device: its connection, the request on it, and those waiting their turn. */
class OriginConnection {
  private socket: Socket | null = null;
  private current: PendingRequest | null = null;
  private readonly waiting: PendingRequest[] = [];
  /** Answers this socket has carried: a failure on a reused one may be the device closing it just then. */
  private served = 0;
  private idleSince = Date.now();
  /** How long the device keeps an idle connection, as its last answer said (Keep-Alive: timeout=N), less a margin. */
  private deviceKeepAlive = Infinity;
  /** The parser finished an answer during the feed under way; acted on once the feed returns. */
  private answerComplete = false;
  /** A handler's onRequestStart is running: a request it dispatches waits for next() to come round. */
  private starting = false;
  /** The current socket's parser: one per socket, so a socket dropped mid-feed cannot disturb the next. */
  private parser: ResponseParser | null = null;
  private readonly host: string;
  private readonly port: number;
  private readonly secure: boolean;
  private readonly hostHeader: string;

  constructor(
    origin: string,
    private readonly rejectUnauthorized: boolean,
  ) {
    const url = new URL(origin);
    this.secure = url.protocol === 'https:';
    this.host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    this.port = url.port ? Number(url.port) : this.secure ? 443 : 80;
    this.hostHeader = url.host;
  }

  enqueue(exchange: PendingRequest): void {
    this.waiting.push(exchange);
    this.next();
  }

  /** Drops a request: before it was sent, from the queue; on the wire, with its connection. */
  abort(exchange: PendingRequest, reason: Error): void {
    if (exchange === this.current) {
      this.current = null;
      this.dropSocket();
      exchange.fail(reason);
      this.next();
      return;
    }
    const at = this.waiting.indexOf(exchange);
    if (at >= 0) this.waiting.splice(at, 1);
    exchange.fail(reason);
  }

  close(reason: Error): void {
    const current = this.current;
    this.current = null;
    this.dropSocket();
    current?.fail(reason);
    for (const exchange of this.waiting.splice(0)) exchange.fail(reason);
  }

  /**
   * Closes a connection idle for longer than the keep-alive and fails an exchange past
   * undici-style headers or body timeouts. True when nothing is left to keep for this device.
   */
  sweep(now: number, keepAliveTimeout: number): boolean {
    const current = this.current;
    if (current) {
      const { headersTimeout, bodyTimeout } = current.options;
      const limit = current.headReceived ? bodyTimeout : headersTimeout;
      if (limit && now - current.lastActivity > limit) {
        const what = current.headReceived ? 'Body' : 'Headers';
        current.controller.abort(Object.assign(new Error(`${what} Timeout Error`), { code: `UND_ERR_${what.toUpperCase()}_TIMEOUT` }));
      }
      return false;
    }
    if (this.waiting.length > 0) return false;
    if (now - this.idleSince < Math.min(keepAliveTimeout, this.deviceKeepAlive)) return false;
    this.dropSocket();
    return true;
  }

  /** Sends the next waiting request, unless one is on the wire already. */
  private next(): void {
    if (this.current || this.starting) return;
    for (;;) {
      const exchange = this.waiting.shift();
      if (!exchange) {
        this.idleSince = Date.now();
        return;
      }
      this.starting = true;
      exchange.start();
      this.starting = false;
      // Aborted from onRequestStart: its deadline passed while it waited.
      if (exchange.settled) continue;
      this.current = exchange;
      this.send(exchange);
      return;
    }
  }

  private send(exchange: PendingRequest): void {
    let request: string;
    try {
      request = this.requestHead(exchange.options);
    } catch (error) {
      this.current = null;
      exchange.fail(error as Error);
      this.next();
      return;
    }
    const now = Date.now();
    // Not on a connection the device is about to close: a request sent just as it closes is lost.
    if (this.socket && now - this.idleSince >= this.deviceKeepAlive) this.dropSocket();
    const socket = this.socket ?? this.open();
    this.parser?.expect(exchange.method);
    exchange.lastActivity = now;
    const body = exchange.options.body;
    writeAtEndOfTurn(socket, request, typeof body === 'string' && body.length > 0 ? body : undefined);
  }

  private requestHead(options: ExchangeOptions): string {
    const body = options.body;
    if (body !== undefined && body !== null && typeof body !== 'string') throw new TypeError('device requests carry string bodies');
    const path = String(options.path);
    if (!path.startsWith('/') || /[\s\u0000-\u001f\u007f]/.test(path)) throw new TypeError(`invalid request path: ${JSON.stringify(path)}`);
    let head = `${options.method} ${path} HTTP/1.1\r\nhost: ${this.hostHeader}\r\nconnection: keep-alive\r\n`;
    const headers = options.headers as Record<string, string | string[] | undefined> | null | undefined;
    if (headers) {
      for (const name in headers) {
        const value = headers[name];
        if (value === undefined || MANAGED_HEADERS.has(name.toLowerCase())) continue;
        if (!TOKEN.test(name)) throw new TypeError(`invalid header name: ${JSON.stringify(name)}`);
        for (const one of Array.isArray(value) ? value : [value]) {
          const text = String(one);
          if (/[\r\n\u0000]/.test(text)) throw new TypeError(`invalid value for header ${name}`);
          head += `${name}: ${text}\r\n`;
        }
      }
    }
    if (typeof body === 'string') head += `content-length: ${Buffer.byteLength(body)}\r\n`;
    else if (options.method === 'POST' || options.method === 'PUT' || options.method === 'PATCH') head += 'content-length: 0\r\n';
    return `${head}\r\n`;
  }

  private open(): Socket {
    const socket = this.secure
      ? connectTls({
          host: this.host,
          port: this.port,
          servername: isIP(this.host) ? undefined : this.host,
          rejectUnauthorized: this.rejectUnauthorized,
          ALPNProtocols: ['http/1.1'],
        })
      : connectTcp({ host: this.host, port: this.port });
    socket.setNoDelay(true);
    this.socket = socket;
    this.served = 0;
    this.parser = new ResponseParser({
      onHead: (head) => {
        if (socket !== this.socket) return;
        this.deviceKeepAlive = keepAliveOf(head.headers['keep-alive']);
        this.current?.head(head);
      },
      onData: (chunk) => {
        const exchange = this.current;
        if (socket !== this.socket || !exchange) return;
        exchange.lastActivity = Date.now();
        exchange.data(chunk);
      },
      onEnd: () => {
        if (socket === this.socket) this.answerComplete = true;
      },
    });
    socket.on('data', (chunk: Buffer) => this.received(socket, chunk));
    socket.on('end', () => this.ended(socket));
    socket.on('error', (error) => this.broken(socket, error));
    socket.on('close', () => {
      if (socket === this.socket) this.broken(socket, new HttpProtocolError('other side closed'));
    });
    return socket;
  }

  private received(socket: Socket, chunk: Buffer): void {
    if (socket !== this.socket) return;
    try {
      this.parser?.feed(chunk);
    } catch (error) {
      this.broken(socket, error as Error);
      return;
    }
    if (this.answerComplete) this.answered();
  }

  /** The device finished sending: the end of a close-delimited answer, or a failure. */
  private ended(socket: Socket): void {
    if (socket !== this.socket) return;
    if (!this.current) {
      this.dropSocket();
      return;
    }
    try {
      this.parser?.end();
    } catch (error) {
      this.broken(socket, error as Error);
      return;
    }
    if (this.answerComplete) this.answered();
  }

  private broken(socket: Socket, error: Error): void {
    if (socket !== this.socket) return;
    this.answerComplete = false;
    this.dropSocket();
    const exchange = this.current;
    if (!exchange) return;
    this.current = null;
    // A keep-alive connection the device closed just as the request went out: once more on a new one.
    if (this.served > 0 && !this.parser?.started && exchange.mayRetry()) {
      this.waiting.unshift(exchange);
    } else {
      exchange.fail(error);
    }
    this.next();
  }

  private answered(): void {
    this.answerComplete = false;
    const exchange = this.current;
    this.current = null;
    this.served++;
    if (!this.parser?.reusable) this.dropSocket();
    exchange?.end();
    this.next();
  }

  private dropSocket(): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    socket.destroy();
  }
}

/** The idle time a device announces (`Keep-Alive: timeout=5`) less the margin, in ms; Infinity when it says nothing. */
function keepAliveOf(header: string | string[] | undefined): number {
  const value = Array.isArray(header) ? header.join(',') : header;
  const seconds = value === undefined ? null : /(?:^|[,\s])timeout\s*=\s*(\d+)/i.exec(value)?.[1];
  return seconds ? Math.max(0, Number(seconds) * 1000 - KEEP_ALIVE_MARGIN_MS) : Infinity;
}
