/**
 * An HTTP thread's body: it makes the exchanges the runtime sends it on undici dispatchers
 * of its own (one keep-alive connection per device, as on the event loop) and answers each
 * with the whole response, its body transferred, or with the failure. Retries, timeouts,
 * the stream viewer and everything else about a request stay with the runtime.
 */
import { parentPort } from 'node:worker_threads';
import type { Dispatcher } from 'undici';
import { CappedBodyHandler } from './capped-body-handler.js';
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

class ThreadExchange extends CappedBodyHandler {
  constructor(
    private readonly id: number,
    cap: number,
  ) {
    super(cap);
  }

  abort(): void {
    if (this.done) return;
    this.finish();
    inFlight.delete(this.id);
    this.controller?.abort(new Error('aborted by the runtime'));
  }

  protected complete(body: Buffer): void {
    this.respond(body);
  }

  /** One byte past the cap is enough for the runtime to refuse the body: read no further. */
  protected overCap(): void {
    const body = this.takeBody();
    this.finish();
    this.respond(body);
    this.controller?.abort(new Error('the response is larger than the runtime accepts'));
  }

  protected failed(error: Error): void {
    inFlight.delete(this.id);
    const cause = (error as { cause?: unknown }).cause;
    outbox.add({
      kind: 'failure',
      id: this.id,
      message: error.message,
      code: (error as { code?: string }).code,
      cause: cause instanceof Error ? cause.message : undefined,
    });
  }

  private respond(bytes: Buffer): void {
    inFlight.delete(this.id);
    // A copy of exactly the body to transfer: the chunk may be a view on memory undici or a pool still uses.
    const body = new ArrayBuffer(bytes.length);
    new Uint8Array(body).set(bytes);
    outbox.add({ kind: 'response', id: this.id, status: this.status, statusMessage: this.statusMessage, headers: this.headers, body }, body);
  }
}

