/**
 * The HTTP session a connector gets: bound to its element's base URL, TLS and proxy
 * settings, with a per-request timeout, retries of idempotent requests (capped exponential
 * backoff that honours Retry-After, never past the running work's deadline), a cap on
 * response bodies, and a record of every exchange in the element's stream viewer.
 */
import { STATUS_CODES } from 'node:http';
import type { Dispatcher } from 'undici';
import {
  DeviceHttpError,
  DeviceProtocolError,
  type HttpResponse,
  type HttpSession,
  type RequestOptions,
} from '../sdk/index.js';
import { DeviceUnreachableError, errorMessage } from './device-failure.js';
import type { ExchangeDispatcher } from './http-dispatchers.js';
import { flattenHeaders, type ReceivedHeaders, type StreamViewer } from './stream-viewer.js';
import { CappedBodyHandler } from './capped-body-handler.js';
import type { RuntimeMetrics } from '../metrics/runtime-metrics.js';

export const DEFAULT_BODY_CAP = 8 * 1024 * 1024;
const RETRY_BASE_MS = 250;
const RETRY_CAP_MS = 5_000;
// Enough of an error body to explain it; the rest is in the stream viewer.
const ERROR_BODY_LIMIT = 4096;

export interface SessionSettings {
  /** e.g. https://10.0.0.5:8893, no trailing slash. */
  baseUrl: string;
  dispatcher: ExchangeDispatcher;
  /** Per-request timeout, ms. */
  requestTimeout: number;
  /** Retries of a failed retriable request. */
  retries: number;
  /** Largest response body accepted, bytes. */
  maxBodyBytes?: number;
  metrics?: Pick<RuntimeMetrics, 'observeRequest'>;
}

/** A refused status, with what the device said about when to come back. */
export class DeviceStatusError extends DeviceHttpError {
  constructor(status: number, statusLine: string, body: string, readonly retryAfter: string | null) {
    super(status, statusLine, body);
  }
}

class DeviceAnswer implements HttpResponse {
  private decoded: string | undefined;

  constructor(
    readonly status: number,
    readonly statusLine: string,
    readonly headers: Record<string, string>,
    readonly body: Buffer,
  ) {}

  /** Decoded on first use: most answers are digested as bytes, found unchanged and let go. */
  get text(): string {
    return (this.decoded ??= this.body.toString('utf8'));
  }

  json<T = unknown>(): T {
    try {
      return JSON.parse(this.text) as T;
    } catch (error) {
      throw new DeviceProtocolError(`the device sent invalid JSON: ${errorMessage(error)}`);
    }
  }
}

const isSuccess = (status: number): boolean => status >= 200 && status < 300;
const NO_OPTIONS: RequestOptions = Object.freeze({});

export class ElementHttpSession implements HttpSession {
  lastStatus: string | null = null;
  private deadline = Infinity;
  /** A device that answered with Retry-After gets no request before this instant (epoch ms)... */
  private quietUntil = 0;
  /** ...and work that cannot wait that long fails with the answer that asked for it. */
  private quietBecause: Error | null = null;
  private generation = 0;
  /**
   * An array, not a Set: it holds one request at a time or a few, and a Set emptied after
   * every request has V8 allocate a new table each time.
   */
  private readonly inflight: PendingExchange[] = [];

  constructor(
    private readonly settings: SessionSettings,
    private readonly viewer: StreamViewer,
    private readonly now: () => number = Date.now,
  ) {}

  get baseUrl(): string {
    return this.settings.baseUrl;
  }

  /** Retries never wait past this epoch-ms instant: the running work's own deadline. */
  setDeadline(at: number): void {
    this.deadline = at;
  }

  /** Aborts the requests in flight and stops their retries (abandoned or stopped work). */
  abortAll(reason: string): void {
    this.generation++;
    for (const exchange of this.inflight.splice(0)) exchange.abort(new DeviceUnreachableError(reason));
  }

  maskSecret(secret: string): void {
    this.viewer.maskSecret(secret);
  }

  get(path: string, options: Omit<RequestOptions, 'method'> = NO_OPTIONS): Promise<HttpResponse> {
    return this.send('GET', path, options, options.body);
  }

  post(path: string, body?: unknown, options: Omit<RequestOptions, 'method' | 'body'> = NO_OPTIONS): Promise<HttpResponse> {
    return this.send('POST', path, options, body);
  }

  request(path: string, options: RequestOptions = NO_OPTIONS): Promise<HttpResponse> {
    return this.send(options.method ?? 'GET', path, options, options.body);
  }

  private async send(
    method: NonNullable<RequestOptions['method']>,
    path: string,
    options: Omit<RequestOptions, 'method' | 'body'>,
    payload: unknown,
  ): Promise<HttpResponse> {
    const url = this.url(path, options.query);
    // A new object each time, even when empty: undici's ProxyAgent adds `host` to it.
    const headers = { ...options.headers };
    const body = encodeBody(payload, headers);
    const attempts = (options.retry ?? method === 'GET') ? this.settings.retries + 1 : 1;
    const timeout = options.timeout ?? this.settings.requestTimeout;
    const accept = options.accept ?? isSuccess;
    const generation = this.generation;
    for (let attempt = 1; ; attempt++) {
      try {
        const quiet = this.quietPeriod();
        if (quiet) await quiet;
        return await this.once(method, url, headers, body, timeout, accept);
      } catch (error) {
        this.noteRetryAfter(error);
        if (attempt >= attempts || generation !== this.generation) throw error;
        const wait = retryDelay(error, attempt, this.now());
        if (wait === null || this.now() + wait >= this.deadline) throw error;
        await sleep(wait);
        if (generation !== this.generation) throw error;
      }
    }
  }

  /**
   * Retry-After speaks for the device, not for one request: every poll group and action of
   * the element waits, so a refusing device is not asked again by the next group in the queue.
   * Null when there is no quiet period (nearly always): the request then awaits nothing, as an
   * await costs a promise and a turn of the microtask queue per request.
   */
  private quietPeriod(): Promise<void> | null {
    const wait = this.quietUntil - this.now();
    if (wait <= 0 || !this.quietBecause) return null;
    if (this.now() + wait >= this.deadline) throw this.quietBecause;
    return sleep(wait);
  }

  private noteRetryAfter(error: unknown): void {
    // The refusal rethrown for skipped work is old news: it must not push the quiet period on.
    if (error === this.quietBecause) return;
    if (!(error instanceof DeviceStatusError) || (error.status < 500 && error.status !== 429)) return;
    const asked = parseRetryAfter(error.retryAfter, this.now());
    if (asked === null || asked <= 0) return;
    this.quietUntil = Math.max(this.quietUntil, this.now() + asked);
    this.quietBecause = error;
  }

  private async once(
    method: string,
    url: string,
    headers: Record<string, string>,
    body: string | undefined,
    timeout: number,
    accept: (status: number) => boolean,
  ): Promise<HttpResponse> {
    const started = this.now();
    const cap = this.settings.maxBodyBytes ?? DEFAULT_BODY_CAP;
    const exchange = new PendingExchange(cap);
    this.inflight.push(exchange);
    let failure: Error | null = null;
    try {
      const { origin, path } = splitUrl(url, this.settings.baseUrl);
      const settled = exchange.settled;
      exchange.timer = setTimeout(abortForTimeout, timeout, exchange, timeout);
      this.settings.dispatcher.dispatch(
        { origin, path, method: method as Dispatcher.HttpMethod, headers, body, headersTimeout: timeout, bodyTimeout: timeout, maxBodyBytes: cap },
        exchange,
      );
      await settled;
      const status = exchange.status;
      this.lastStatus = exchange.statusLine;
      if (!accept(status)) {
        throw new DeviceStatusError(status, exchange.statusLine, exchange.body.toString('utf8', 0, ERROR_BODY_LIMIT), exchange.header('retry-after'));
      }
      return new DeviceAnswer(status, exchange.statusLine, exchange.flatHeaders(), exchange.body);
    } catch (error) {
      failure = asDeviceError(error);
      if (!(failure instanceof DeviceHttpError)) this.lastStatus = failure.message;
      throw failure;
    } finally {
      clearTimeout(exchange.timer);
      removeFrom(this.inflight, exchange);
      this.settings.metrics?.observeRequest(
        exchange.status || (failure instanceof DeviceUnreachableError && failure.timedOut ? 'timeout' : 'network'),
      );
      this.viewer.record({
        time: started,
        method,
        url,
        requestHeaders: headers,
        requestBody: body ?? null,
        status: exchange.status || null,
        statusLine: exchange.statusLine,
        responseHeaders: exchange.headers,
        responseBody: exchange.status ? exchange.body : null,
        durationMs: this.now() - started,
        error: failure && failure.message,
      });
    }
  }

  private url(path: string, query: RequestOptions['query']): string {
    let url = /^https?:\/\//i.test(path) ? path : this.settings.baseUrl + (path.startsWith('/') ? path : `/${path}`);
    if (query) {
      let separator = url.includes('?') ? '&' : '?';
      for (const name in query) {
        const value = query[name];
        if (value === null || value === undefined) continue;
        url += `${separator}${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`;
        separator = '&';
      }
    }
    return url;
  }
}

/** How long to wait before the next attempt, or null when this failure is not worth retrying. */
export function retryDelay(error: unknown, attempt: number, now: number): number | null {
  const backoff = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** (attempt - 1));
  if (error instanceof DeviceUnreachableError) return backoff;
  if (error instanceof DeviceHttpError && (error.status >= 500 || error.status === 429)) {
    const asked = error instanceof DeviceStatusError ? parseRetryAfter(error.retryAfter, now) : null;
    return asked ?? backoff;
  }
  return null;
}

/** Retry-After as delay-seconds or an HTTP date, in ms from `now`; null when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number | null {
  if (!header) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function encodeBody(body: unknown, headers: Record<string, string>): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json';
  }
  return JSON.stringify(body);
}

function abortForTimeout(exchange: PendingExchange, timeout: number): void {
  exchange.abort(new DeviceUnreachableError(`no answer within ${timeout} ms`, true));
}

function asDeviceError(error: unknown): Error {
  if (error instanceof DeviceHttpError || error instanceof DeviceProtocolError || error instanceof DeviceUnreachableError) return error;
  const code = (error as { code?: unknown }).code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new DeviceUnreachableError(`no answer in time (${errorMessage(error)})`, true);
  }
  const cause = (error as { cause?: unknown }).cause;
  return new DeviceUnreachableError(cause instanceof Error ? errorMessage(cause) : errorMessage(error));
}

/** e.g. "http://h:1/a?b" → origin "http://h:1", path "/a?b"; the base URL is already an origin. */
function splitUrl(url: string, baseUrl: string): { origin: string; path: string } {
  if (url.startsWith(baseUrl) && url.charAt(baseUrl.length) === '/') return { origin: baseUrl, path: url.slice(baseUrl.length) };
  const parsed = new URL(url);
  return { origin: parsed.origin, path: parsed.pathname + parsed.search };
}

const NO_BYTES = Buffer.alloc(0);

/** Status lines with the standard reason phrase, made once per status rather than per response. */
const STATUS_LINES = new Map<number, string>();

function statusLineOf(status: number, reason: string | undefined): string {
  if (reason && reason !== STATUS_CODES[status]) return `${status} ${reason}`.trimEnd();
  let line = STATUS_LINES.get(status);
  if (line === undefined) {
    line = `${status} ${STATUS_CODES[status] ?? ''}`.trimEnd();
    STATUS_LINES.set(status, line);
  }
  return line;
}

function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  if (Number.isInteger(mib)) return `${mib} MiB`;
  const kib = bytes / 1024;
  return Number.isInteger(kib) ? `${kib} KiB` : `${bytes} bytes`;
}

/** Order is not kept: the last item takes the removed one's place. */
function removeFrom<T>(items: T[], item: T): void {
  const at = items.indexOf(item);
  if (at < 0) return;
  const last = items.pop()!;
  if (at < items.length) items[at] = last;
}

/** Unref'd: a retry waiting for its turn must not keep a stopping process alive. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** One request of the session: its answer, or why there is none, as a promise. */
class PendingExchange extends CappedBodyHandler {
  statusLine = '';
  /** The answer as read: the connector's answer and the stream viewer's record. */
  body: Buffer = NO_BYTES;
  timer: ReturnType<typeof setTimeout> | undefined;
  readonly settled: Promise<void>;
  private failure: Error | null = null;
  private resolve!: () => void;
  private reject!: (error: Error) => void;

  constructor(cap: number) {
    super(cap);
    this.settled = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** Ends the exchange now; undici is told to drop the request as soon as it reaches it. */
  abort(reason: Error): void {
    if (this.done) return;
    this.finish();
    this.failed(reason);
    this.controller?.abort(reason);
  }

  header(name: string): string | null {
    return this.flatHeaders()[name] ?? null;
  }

  /** The headers themselves unless one was repeated: no copy in the usual case. */
  flatHeaders(): Record<string, string> {
    return flattenHeaders(this.headers);
  }

  override onRequestStart(controller: Dispatcher.DispatchController): void {
    super.onRequestStart(controller);
    // Timed out or abandoned while still waiting for a connection.
    if (this.done && this.failure) controller.abort(this.failure);
  }

  override onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: ReceivedHeaders, statusMessage?: string): void {
    if (!this.done) this.statusLine = statusLineOf(statusCode, statusMessage);
    super.onResponseStart(controller, statusCode, headers, statusMessage);
  }

  protected complete(body: Buffer): void {
    this.body = body;
    this.resolve();
  }

  protected overCap(): void {
    this.abort(new DeviceProtocolError(`response body larger than ${formatBytes(this.cap)}`));
  }

  protected failed(error: Error): void {
    this.failure = error;
    this.reject(error);
  }
}
