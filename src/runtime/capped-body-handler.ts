/**
 * An undici dispatch handler that collects a response body up to a cap, on the dispatcher
 * API (no stream, no AbortSignal: at thousands of requests a second those cost about as
 * much again as the request). Both the session's exchange and an HTTP thread's build on
 * it; each says what a whole answer, one over the cap and a failure mean to it.
 */
import type { Dispatcher } from 'undici';
import type { ReceivedHeaders } from './stream-viewer.js';

const NO_HEADERS: ReceivedHeaders = Object.freeze({});

export abstract class CappedBodyHandler implements Dispatcher.DispatchHandler {
  status = 0;
  statusMessage = '';
  /** As undici gave them; none until the response starts. */
  headers: ReceivedHeaders = NO_HEADERS;
  protected controller: Dispatcher.DispatchController | null = null;
  /** Answered, refused or failed: later callbacks are ignored. */
  protected done = false;
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(protected readonly cap: number) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: ReceivedHeaders, statusMessage?: string): void {
    if (this.done) return;
    this.status = statusCode;
    this.statusMessage = statusMessage ?? '';
    this.headers = headers;
    const declared = headers['content-length'];
    if (typeof declared === 'string' && Number(declared) > this.cap) this.overCap();
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.done) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size > this.cap) this.overCap();
  }

  onResponseEnd(): void {
    if (this.done) return;
    const body = this.takeBody();
    this.finish();
    this.complete(body);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.done) return;
    this.finish();
    this.failed(error);
  }

  /** The whole answer came, within the cap. */
  protected abstract complete(body: Buffer): void;
  /** The declared length or the bytes so far are over the cap; nothing more will be read unless this says so. */
  protected abstract overCap(): void;
  /** undici failed the exchange. */
  protected abstract failed(error: Error): void;

  /** The body so far, one byte past the cap at most; the chunks are let go. */
  protected takeBody(): Buffer {
    const { chunks, size } = this;
    const length = Math.min(size, this.cap + 1);
    const body = chunks.length === 1 && length === size ? chunks[0] : Buffer.concat(chunks, length);
    this.chunks = [];
    return body;
  }

  protected finish(): void {
    this.done = true;
    this.chunks = [];
  }
}
