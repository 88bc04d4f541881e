/**
 * The stream viewer: each element's recent requests and responses, for an operator
 * diagnosing a device. Bounded (a ring of the last entries), bodies truncated, secrets
 * masked. Exchanges are masked when read: polling costs nothing extra, and a secret a
 * connector reveals after the fact (a token from the login response recorded a moment
 * before) is masked in the earlier entries too.
 *
 * Every request is recorded and operators read the viewer rarely, so recording does the
 * least it can: it fills a ring slot reused from one exchange to the next and keeps the
 * response headers as undici gave them (flattened only when read).
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

/** Response headers as undici gives them: a header sent more than once is an array. */
export type ReceivedHeaders = Record<string, string | string[] | undefined>;

/** What the HTTP session saw, before masking and truncation. */
export interface Exchange extends Omit<StreamEntry, 'responseHeaders'> {
  responseHeaders: ReceivedHeaders;
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/** An exchange as kept: bodies clipped (or dropped once old), with their full lengths. One per ring slot, reused. */
class KeptExchange {
  time = 0;
  method = '';
  url = '';
  requestHeaders: Record<string, string> = NO_HEADERS;
  requestBody: string | null = null;
  requestBodyLength = 0;
  status: number | null = null;
  statusLine = '';
  responseHeaders: ReceivedHeaders = NO_HEADERS;
  responseBody: string | null = null;
  responseBodyLength = 0;
  durationMs = 0;
  error: string | null = null;
}

export class StreamViewer {
  readonly masker = new SecretMasker();
  private readonly ring: (KeptExchange | undefined)[];
  private next = 0;

  constructor(private readonly capacity = STREAM_CAPACITY) {
    this.ring = new Array<KeptExchange | undefined>(capacity);
  }

  record(exchange: Exchange): void {
    const kept = (this.ring[this.next] ??= new KeptExchange());
    kept.time = exchange.time;
    kept.method = exchange.method;
    kept.url = exchange.url;
    kept.requestHeaders = exchange.requestHeaders;
    kept.requestBody = clip(exchange.requestBody);
    kept.requestBodyLength = exchange.requestBody?.length ?? 0;
    kept.status = exchange.status;
    kept.statusLine = exchange.statusLine;
    kept.responseHeaders = exchange.responseHeaders;
    kept.responseBody = clip(exchange.responseBody);
    kept.responseBodyLength = exchange.responseBody?.length ?? 0;
    kept.durationMs = exchange.durationMs;
    kept.error = exchange.error;
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
      responseHeaders: masker.maskHeaders(flattenHeaders(exchange.responseHeaders)),
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

/**
 * One string per header, a repeated one joined with commas. Headers that already are
 * (the usual case) are returned as they are, not copied.
 */
export function flattenHeaders(headers: ReceivedHeaders): Record<string, string> {
  for (const name in headers) if (typeof headers[name] !== 'string') return joined(headers);
  return headers as Record<string, string>;
}

function joined(headers: ReceivedHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** The head of a long body as a string of its own: a plain slice would keep the whole answer in memory. */
function clip(body: string | null): string | null {
  if (body === null || body.length <= CLIP) return body;
  return Buffer.from(body.slice(0, CLIP), 'utf8').toString('utf8');
}
