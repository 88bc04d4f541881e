/**
 * The stream viewer: each element's recent requests and responses, for an operator
 * diagnosing a device. Bounded (a ring of the last entries), bodies truncated, secrets
 * masked. Exchanges are masked when read: polling costs nothing extra, and a secret a
 * connector reveals after the fact (a token from the login response recorded a moment
 * before) is masked in the earlier entries too.
 *
 * Memory is what bounds it, with thousands of elements: bodies are clipped when recorded
 * (copied, so the clip does not keep the whole answer alive) and only the newest
 * {@link BODIES_KEPT} exchanges keep theirs; older entries keep everything else.
 */
import type { StreamEntry } from './views.js';
import { SecretMasker } from './secret-masker.js';

export const STREAM_CAPACITY = 100;
export const STREAM_BODY_LIMIT = 4096;
/** Exchanges that keep their bodies: a poll cycle's worth for a typical connector. */
export const BODIES_KEPT = 10;
/** Kept of a body before masking: room for a secret cut in half by the limit to still be seen whole. */
const CLIP = STREAM_BODY_LIMIT * 2;

/** What the HTTP session saw, before masking and truncation. */
export type Exchange = StreamEntry;

/** An exchange as kept: bodies clipped (or dropped once old), with their full lengths. */
interface KeptExchange extends Exchange {
  requestBodyLength: number;
  responseBodyLength: number;
}

export class StreamViewer {
  readonly masker = new SecretMasker();
  private readonly ring: (KeptExchange | undefined)[];
  private next = 0;

  constructor(private readonly capacity = STREAM_CAPACITY) {
    this.ring = new Array<KeptExchange | undefined>(capacity);
  }

  record(exchange: Exchange): void {
    this.ring[this.next] = {
      ...exchange,
      requestBody: clip(exchange.requestBody),
      responseBody: clip(exchange.responseBody),
      requestBodyLength: exchange.requestBody?.length ?? 0,
      responseBodyLength: exchange.responseBody?.length ?? 0,
    };
    const aged = this.ring[(this.next - BODIES_KEPT + this.capacity) % this.capacity];
    if (aged && BODIES_KEPT < this.capacity) {
      aged.requestBody = null;
      aged.responseBody = null;
    }
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
  }

  /** Masks `secret` wherever it appears, in the entries already kept as well. */
  maskSecret(secret: string): void {
    this.masker.addRuntimeSecret(secret);
  }

  /** Oldest first, masked and truncated. */
  entries(): StreamEntry[] {
    const list: StreamEntry[] = [];
    for (let i = 0; i < this.capacity; i++) {
      const exchange = this.ring[(this.next + i) % this.capacity];
      if (exchange) list.push(this.mask(exchange));
    }
    return list;
  }

  private mask(exchange: KeptExchange): StreamEntry {
    const masker = this.masker;
    return {
      time: exchange.time,
      method: exchange.method,
      url: masker.maskUrl(exchange.url),
      requestHeaders: masker.maskHeaders(exchange.requestHeaders),
      requestBody: this.body(exchange.requestBody, exchange.requestBodyLength),
      status: exchange.status,
      statusLine: exchange.statusLine,
      responseHeaders: masker.maskHeaders(exchange.responseHeaders),
      responseBody: this.body(exchange.responseBody, exchange.responseBodyLength),
      durationMs: exchange.durationMs,
      error: exchange.error === null ? null : masker.maskText(exchange.error),
    };
  }

  private body(body: string | null, length: number): string | null {
    if (body === null) return length > 0 ? `[${length} characters, not kept: only the latest ${BODIES_KEPT} exchanges keep their bodies]` : null;
    const masked = this.masker.maskBody(body);
    if (masked.length <= STREAM_BODY_LIMIT && body.length === length) return masked;
    return `${masked.slice(0, STREAM_BODY_LIMIT)}… [truncated, ${length} characters in all]`;
  }
}

/** The head of a long body as a string of its own: a plain slice would keep the whole answer in memory. */
function clip(body: string | null): string | null {
  if (body === null || body.length <= CLIP) return body;
  return Buffer.from(body.slice(0, CLIP), 'utf8').toString('utf8');
}
