/**
 * HTTP exchanges on worker threads. One event loop carries about 3,400 device requests a
 * second, and undici and the sockets are a good part of its work. With HTTP threads the
 * event loop keeps everything that makes a request what it is (retries, timeouts, the
 * stream viewer, parsing, values) and hands the exchange itself to a thread: one message
 * out, one back with the whole response. That leaves it about three quarters of its work
 * per request (measured at 3,000 elements), for more CPU in all. Each device always goes
 * to the same thread, so its keep-alive connection lives there.
 *
 * A thread starts with its first exchange and keeps the process alive only while it owes
 * answers. When one dies, its exchanges fail as unreachable devices do (the elements retry)
 * and the next exchange starts a new thread.
 */
import type { Worker } from 'node:worker_threads';
import type { Dispatcher } from 'undici';
import { startWorker } from '../worker-thread.js';
import type { ExchangeDispatcher, ExchangeOptions } from './http-dispatchers.js';
import { Batch, type HttpRoute, type HttpThreadReply, type HttpThreadRequest } from './http-thread-protocol.js';
import { DEFAULT_BODY_CAP } from './http-session.js';

/** undici's own header and body timeouts, for a dispatch that gives none. */
const UNDICI_DEFAULT_TIMEOUT_MS = 300_000;

interface Running {
  worker: Worker;
  exchanges: Map<number, RemoteExchange>;
  outbox: Batch<HttpThreadRequest>;
}

export class HttpThreads {
  private readonly running: (Running | undefined)[];
  /** Devices are spread over the threads in the order they are first asked for. */
  private readonly threadOfOrigin = new Map<string, number>();
  private nextId = 1;
  private closed = false;

  constructor(readonly count: number) {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`HTTP threads must be a whole number from 1, not ${count}`);
    this.running = new Array(count).fill(undefined);
  }

  dispatcher(route: HttpRoute): ExchangeDispatcher {
    return { dispatch: (options, handler) => this.dispatch(route, options, handler) };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.running.map((running) => running?.worker.terminate()));
  }

  private dispatch(route: HttpRoute, options: ExchangeOptions, handler: Dispatcher.DispatchHandler): boolean {
    const id = this.nextId++;
    const origin = String(options.origin);
    const exchange = new RemoteExchange(handler, () => this.abort(origin, id));
    if (this.closed) {
      exchange.fail(new Error('Tally is stopping'));
      return false;
    }
    const running = this.threadFor(origin);
    running.exchanges.set(id, exchange);
    // Held while it owes answers: a process waiting for its last exchanges must not exit under it.
    if (running.exchanges.size === 1) running.worker.ref();
    exchange.start();
    // Given up on before it started (its work was abandoned meanwhile).
    if (exchange.aborted) return false;
    const request: HttpThreadRequest = {
      kind: 'exchange',
      id,
      route,
      origin,
      path: options.path,
      method: options.method,
      headers: (options.headers ?? {}) as Record<string, string>,
      body: options.body as string | undefined,
      headersTimeout: options.headersTimeout ?? UNDICI_DEFAULT_TIMEOUT_MS,
      bodyTimeout: options.bodyTimeout ?? UNDICI_DEFAULT_TIMEOUT_MS,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_BODY_CAP,
    };
    running.outbox.add(request);
    return true;
  }

  private abort(origin: string, id: number): void {
    const index = this.threadOfOrigin.get(origin);
    const running = index === undefined ? undefined : this.running[index];
    if (!running?.exchanges.has(id)) return;
    this.settled(running, id);
    running.outbox.add({ kind: 'abort', id });
  }

  private threadFor(origin: string): Running {
    let index = this.threadOfOrigin.get(origin);
    if (index === undefined) {
      index = this.threadOfOrigin.size % this.count;
      this.threadOfOrigin.set(origin, index);
    }
    return (this.running[index] ??= this.spawn(index));
  }

  private spawn(index: number): Running {
    const worker = startWorker(import.meta.url, 'http-thread-worker', {});
    const running: Running = { worker, exchanges: new Map(), outbox: new Batch((requests) => worker.postMessage(requests)) };
    worker.on('message', (replies: HttpThreadReply[]) => {
      for (const reply of replies) this.answer(running, reply);
    });
    const lose = (error: Error): void => {
      if (this.running[index] === running) this.running[index] = undefined;
      for (const exchange of running.exchanges.values()) exchange.fail(error);
      running.exchanges.clear();
    };
    running.worker.on('error', lose);
    running.worker.on('exit', (code) => lose(new Error(`the HTTP thread stopped (exit code ${code})`)));
    // An idle thread must not keep a finished process alive.
    running.worker.unref();
    return running;
  }

  private answer(running: Running, reply: HttpThreadReply): void {
    const exchange = running.exchanges.get(reply.id);
    if (!exchange) return; // aborted here before the answer came
    this.settled(running, reply.id);
    if (reply.kind === 'response') exchange.respond(reply.status, reply.statusMessage, reply.headers, Buffer.from(reply.body));
    else exchange.fail(Object.assign(new Error(reply.message, { cause: reply.cause && new Error(reply.cause) }), { code: reply.code }));
  }

  private settled(running: Running, id: number): void {
    running.exchanges.delete(id);
    if (running.exchanges.size === 0) running.worker.unref();
  }
}

/** An exchange made on a thread, played back to the session's handler as undici would. */
class RemoteExchange implements Dispatcher.DispatchController {
  aborted = false;
  paused = false;
  reason: Error | null = null;

  constructor(
    private readonly handler: Dispatcher.DispatchHandler,
    private readonly abortRemote: () => void,
  ) {}

  start(): void {
    this.handler.onRequestStart?.(this, {});
  }

  abort(reason: Error): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.abortRemote();
  }

  // The body comes whole: there is no stream to hold back.
  pause(): void {}

  resume(): void {}

  respond(status: number, statusMessage: string, headers: Record<string, string | string[] | undefined>, body: Buffer): void {
    this.handler.onResponseStart?.(this, status, headers, statusMessage);
    if (this.aborted) return;
    if (body.length > 0) this.handler.onResponseData?.(this, body);
    if (this.aborted) return;
    this.handler.onResponseEnd?.(this, {});
  }

  fail(error: Error): void {
    if (this.aborted) return;
    this.handler.onResponseError?.(this, error);
  }
}
