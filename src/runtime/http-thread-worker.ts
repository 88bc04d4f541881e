/**
 * An HTTP thread's body: it makes the exchanges the runtime sends it on undici dispatchers
 * of its own (one keep-alive connection per device, as on the event loop) and answers each
 * with the whole response, its body transferred, or with the failure. Retries, timeouts,
 * the stream viewer and everything else about a request stay with the runtime.
 */
import { parentPort } from 'node:worker_threads';
import type { Dispatcher } from 'undici';
import { HttpDispatchers } from './http-dispatchers.js';
import { Batch, type HttpThreadReply, type HttpThreadRequest } from './http-thread-protocol.js';

if (!parentPort) throw new Error('http-thread-worker runs as a worker thread');
const port = parentPort;
// The runtime decided the proxy: this thread never reads the environment for one.
const dispatchers = new HttpDispatchers({});
const inFlight = new Map<number, ThreadExchange>();
const outbox = new Batch<HttpThreadReply>((replies, transfer) => port.postMessage(replies, transfer));

port.on('message', (requests: HttpThreadRequest[]) => {
  for (const request of requests) {
    if (request.kind === 'abort') inFlight.get(request.id)?.abort();
    else start(request);
  }
});

function start(request: Extract<HttpThreadRequest, { kind: 'exchange' }>): void {
  const exchange = new ThreadExchange(request.id, request.maxBodyBytes);
  inFlight.set(request.id, exchange);
  const { origin, path, method, headers, body, headersTimeout, bodyTimeout, route } = request;
  dispatchers
    .forRoute(route.proxy, route.skipTlsVerify)
    .dispatch({ origin, path, method: method as Dispatcher.HttpMethod, headers, body, headersTimeout, bodyTimeout }, exchange);
}

class ThreadExchange implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  private status = 0;
  private statusMessage = '';
  private headers: Record<string, string | string[] | undefined> = {};
  private chunks: Buffer[] = [];
  private size = 0;
  private done = false;

  constructor(
    private readonly id: number,
    private readonly cap: number,
  ) {}

  abort(): void {
    if (this.done) return;
    this.finish();
    this.controller?.abort(new Error('aborted by the runtime'));
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
    statusMessage?: string,
  ): void {
    this.status = statusCode;
    this.statusMessage = statusMessage ?? '';
    this.headers = headers;
    // The runtime refuses a declared length over the cap as soon as it sees the headers.
    const declared = headers['content-length'];
    if (typeof declared === 'string' && Number(declared) > this.cap) this.answerEarly();
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.done) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
    // One byte past the cap is enough for the runtime to refuse the body: read no further.
    if (this.size > this.cap) this.answerEarly();
  }

  onResponseEnd(): void {
    if (this.done) return;
    this.respond();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.done) return;
    this.finish();
    const cause = (error as { cause?: unknown }).cause;
    outbox.add({
      kind: 'failure',
      id: this.id,
      message: error.message,
      code: (error as { code?: string }).code,
      cause: cause instanceof Error ? cause.message : undefined,
    });
  }

  private answerEarly(): void {
    this.respond();
    this.controller?.abort(new Error('the response is larger than the runtime accepts'));
  }

  private respond(): void {
    const bytes = Buffer.concat(this.chunks, Math.min(this.size, this.cap + 1));
    this.finish();
    // A fresh ArrayBuffer of exactly the body: Buffer.concat may hand out a slice of a shared pool.
    const body = (bytes.buffer.byteLength === bytes.length ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)) as ArrayBuffer;
    const response: HttpThreadReply = { kind: 'response', id: this.id, status: this.status, statusMessage: this.statusMessage, headers: this.headers, body };
    outbox.add(response, body);
  }

  private finish(): void {
    this.done = true;
    this.chunks = [];
    inFlight.delete(this.id);
  }
}

