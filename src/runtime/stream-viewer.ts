/**
 * The stream viewer: each element's recent requests and responses, for an operator
 * diagnosing a device. Bounded (a ring of the last entries), bodies truncated, secrets
 * masked. Exchanges are kept as the HTTP session saw them and masked when read: polling
 * costs nothing extra, and a secret a connector reveals after the fact (a token from the
 * login response recorded a moment before) is masked in the earlier entries too.
 */
import type { StreamEntry } from './views.js';
import { SecretMasker } from './secret-masker.js';

export const STREAM_CAPACITY = 100;
export const STREAM_BODY_LIMIT = 4096;

/** What the HTTP session saw, before masking and truncation. */
export type Exchange = StreamEntry;

export class StreamViewer {
  readonly masker = new SecretMasker();
  private readonly ring: (Exchange | undefined)[];
  private next = 0;

  constructor(private readonly capacity = STREAM_CAPACITY) {
    this.ring = new Array<Exchange | undefined>(capacity);
  }

  record(exchange: Exchange): void {
    this.ring[this.next] = exchange;
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

  private mask(exchange: Exchange): StreamEntry {
    const masker = this.masker;
    return {
      time: exchange.time,
      method: exchange.method,
      url: masker.maskUrl(exchange.url),
      requestHeaders: masker.maskHeaders(exchange.requestHeaders),
      requestBody: this.body(exchange.requestBody),
      status: exchange.status,
      statusLine: exchange.statusLine,
      responseHeaders: masker.maskHeaders(exchange.responseHeaders),
      responseBody: this.body(exchange.responseBody),
      durationMs: exchange.durationMs,
      error: exchange.error === null ? null : masker.maskText(exchange.error),
    };
  }

  private body(body: string | null): string | null {
    if (body === null) return null;
    // Mask before truncating, with some room, so a secret cut in half by the limit is
    // still recognised and cannot show its first characters.
    const head = body.length > STREAM_BODY_LIMIT * 2 ? body.slice(0, STREAM_BODY_LIMIT * 2) : body;
    const masked = this.masker.maskBody(head);
    if (masked.length <= STREAM_BODY_LIMIT && head.length === body.length) return masked;
    return `${masked.slice(0, STREAM_BODY_LIMIT)}… [truncated, ${body.length} characters in all]`;
  }
}
