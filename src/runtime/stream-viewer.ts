/**
 * The stream viewer: each element's recent requests and responses, for an operator
 * diagnosing a device. Bounded, bodies truncated, secrets masked. Exchanges are masked when
 * read: polling costs nothing extra, and a secret a connector reveals after the fact (a token
 * from the login response recorded a moment before) is masked in the earlier entries too.
 *
 * Memory is what bounds it: there is one viewer per element, and thousands of elements.
 * So it keeps two things:
 * - the newest {@link STREAM_CAPACITY} exchanges as *lines* — time, method, URL, status,
 *   status line, duration, error and the lengths of both bodies — in a columnar ring of
 *   typed arrays over one buffer. A poll asks for the same few URLs again and again (and
 *   gets the same few status lines), so the strings are kept once each per viewer, in
 *   {@link StringSlots}, and the ring holds their slot numbers.
 * - headers and bodies only for the newest {@link DETAILS_KEPT} exchanges, as bytes in pages
 *   every element's viewer shares ({@link DetailRing}), and of those only the ones that
 *   failed, unless an operator watches the viewer (read it in the last {@link WATCH_MS}):
 *   then every one. Other entries show their line, `{}` for headers and a placeholder with
 *   the length for bodies (the API's and the web UI's headers are always an object).
 *
 * Rough cost per element with a full ring (64-bit V8, no pointer compression), ~11.5 KB:
 * - lines ~4.5 KB, allocated up front: 100 × (8 time + 8 duration + 2 × 4 body lengths +
 *   2 status + 4 × 2 string slots) = 3.4 KB of buffer, the distinct strings (a dozen URLs of
 *   ~80 characters) and the masker;
 * - details ~7–9 KB: 5 × (a ~1.5 KB response body, the six or so response headers ~0.2 KB,
 *   the request headers) in pages of 512 bytes, a quarter of a page to spare on average.
 * Measured with 1,000 viewers, each having recorded 30 cycles of a StreamHub's answers (a
 * 5 KB inputs answer, a 2.6 KB outputs answer, one to four link statistics of 0.5 KB): 18.2
 * KB per viewer, 22.3 KB when each ring had a buffer of its own instead of pages (53 KB once,
 * when every entry kept its own URL string and headers and ten kept their bodies). Most of
 * it is the five newest bodies, outside the JavaScript heap.
 *
 * Details are copied into those pages rather than kept as they came (a headers object, a
 * string, the block of bytes a body was read in): a kept detail lives about five polls,
 * long enough to reach the garbage collector's old generation, and the blocks of bytes
 * alone made V8 run a full collection every 7 s at 10,000 elements (see DetailRing). Bodies
 * are decoded, and headers unpacked, when an operator reads them.
 *
 * Every request is recorded and operators read the viewer rarely, so recording does the
 * least it can: it writes into the two rings, and otherwise allocates only what it keeps (a
 * URL, status line or error no line of the ring holds) and what dies at once (the headers
 * packed into a string on their way into the detail ring).
 *
 * Why the details of successful exchanges wait for someone to watch: copying every answer
 * into the pages, for every element, was 7 % of the event loop's work at 10,000 elements
 * and 60–80 MB of memory (bench/README.md, round 18), for answers nobody looks at. A
 * failure keeps its details whoever watches: it is what an operator comes to see after the
 * fact. The web UI's viewer reads every 3 s while it follows, so the answers it shows keep
 * theirs; an entry that kept none says why.
 */
import type { StreamEntry } from './views.js';
import { SecretMasker } from './secret-masker.js';
import { NO_SLOT, StringSlots } from './string-slots.js';
import { DetailRing } from './detail-ring.js';

export const STREAM_CAPACITY = 100;
export const STREAM_BODY_LIMIT = 4096;
/**
 * Exchanges that keep their headers and bodies: about one poll cycle of a Haivision device
 * (outputs and inputs every 3 s, link statistics of a few live inputs), the answers an
 * operator opens to see what the device says now; the lines before show what came earlier.
 */
export const DETAILS_KEPT = 5;
/** How long a read of the viewer counts as someone watching it: successful exchanges keep their details meanwhile. */
export const WATCH_MS = 5 * 60_000;
/** Kept of a body before masking: room for a secret cut in half by the limit to still be seen whole. */
const CLIP = STREAM_BODY_LIMIT * 2;
/** The same in bytes: `CLIP` characters even where each takes three bytes in UTF-8. */
const CLIP_BYTES = CLIP * 3;

export const NOT_KEPT_BECAUSE = `only the latest ${DETAILS_KEPT} exchanges keep their headers and bodies, and successful ones only while the stream viewer is open`;

/** Response headers as undici gives them: a header sent more than once is an array. */
export type ReceivedHeaders = Record<string, string | string[] | undefined>;

/** What the HTTP session saw, before masking and truncation. */
export interface Exchange extends Omit<StreamEntry, 'responseHeaders' | 'responseBody'> {
  responseHeaders: ReceivedHeaders;
  /** The answer's bytes as they were read (UTF-8); the viewer copies what it keeps. */
  responseBody: Uint8Array | null;
}

// The parts of a detail record in the ring, in order.
const REQUEST_HEADERS = 0;
const REQUEST_BODY = 1;
const RESPONSE_HEADERS = 2;
const RESPONSE_BODY = 3;
const DETAIL_PARTS = 4;

export class StreamViewer {
  readonly masker = new SecretMasker();
  // The lines, one column each, slot `seq % capacity` for the exchange recorded `seq`-th.
  private readonly times: Float64Array;
  private readonly durations: Float64Array;
  private readonly requestLengths: Uint32Array;
  private readonly responseLengths: Uint32Array;
  /** 0 for none (no answer). */
  private readonly statuses: Uint16Array;
  // Slots in `strings`; NO_SLOT for an exchange without an error.
  private readonly methods: Uint16Array;
  private readonly urls: Uint16Array;
  private readonly statusLines: Uint16Array;
  private readonly errors: Uint16Array;
  private readonly strings = new StringSlots();
  /** Headers and bodies in slot `seq % detailSlots`, for the newest `detailSlots` exchanges only. */
  private readonly details: DetailRing;
  private readonly detailSlots: number;
  /** Exchanges recorded so far. */
  private recorded = 0;
  /** Successful exchanges started before this instant (epoch ms) keep their details. */
  private watchedUntil = 0;

  constructor(private readonly capacity = STREAM_CAPACITY) {
    const buffer = new ArrayBuffer(capacity * (8 + 8 + 4 + 4 + 2 + 4 * 2));
    this.times = new Float64Array(buffer, 0, capacity);
    this.durations = new Float64Array(buffer, capacity * 8, capacity);
    this.requestLengths = new Uint32Array(buffer, capacity * 16, capacity);
    this.responseLengths = new Uint32Array(buffer, capacity * 20, capacity);
    this.statuses = new Uint16Array(buffer, capacity * 24, capacity);
    this.methods = new Uint16Array(buffer, capacity * 26, capacity);
    this.urls = new Uint16Array(buffer, capacity * 28, capacity);
    this.statusLines = new Uint16Array(buffer, capacity * 30, capacity);
    this.errors = new Uint16Array(buffer, capacity * 32, capacity);
    this.detailSlots = Math.min(DETAILS_KEPT, capacity);
    this.details = new DetailRing(this.detailSlots, DETAIL_PARTS, this.detailSlots * DETAIL_PARTS * CLIP_BYTES);
  }

  record(exchange: Exchange): void {
    const seq = this.recorded++;
    const at = seq % this.capacity;
    const strings = this.strings;
    if (seq >= this.capacity) {
      // The line overwritten lets go of its strings.
      strings.release(this.methods[at]);
      strings.release(this.urls[at]);
      strings.release(this.statusLines[at]);
      strings.release(this.errors[at]);
    }
    this.times[at] = exchange.time;
    this.methods[at] = strings.use(exchange.method);
    this.urls[at] = strings.use(exchange.url);
    this.statuses[at] = exchange.status ?? 0;
    this.statusLines[at] = strings.use(exchange.statusLine);
    this.durations[at] = exchange.durationMs;
    this.errors[at] = exchange.error === null ? NO_SLOT : strings.use(exchange.error);
    this.requestLengths[at] = exchange.requestBody === null ? 0 : Buffer.byteLength(exchange.requestBody);
    this.responseLengths[at] = exchange.responseBody?.length ?? 0;
    const slot = seq % this.detailSlots;
    if (!failed(exchange) && exchange.time >= this.watchedUntil) {
      // The slot's older record must not pass for this one's.
      this.details.clear(slot);
      return;
    }
    const body = exchange.responseBody;
    this.details.put(slot, [
      clip(packHeaders(exchange.requestHeaders)),
      clip(exchange.requestBody),
      clip(packHeaders(exchange.responseHeaders)),
      body !== null && body.length > CLIP_BYTES ? body.subarray(0, CLIP_BYTES) : body,
    ]);
  }

  /** Lets go of the headers and bodies kept (their pages are shared); lines are still recorded after. */
  close(): void {
    this.details.close();
  }

  /** Masks `secret` wherever it appears, in the entries already kept as well. */
  maskSecret(secret: string): void {
    this.masker.addRuntimeSecret(secret);
  }

  /** Someone reads the viewer: successful exchanges keep their details for the next {@link WATCH_MS}. */
  watch(now: number): void {
    this.watchedUntil = now + WATCH_MS;
  }

  /** Oldest first, masked and truncated. */
  entries(): StreamEntry[] {
    const list: StreamEntry[] = [];
    for (let seq = Math.max(0, this.recorded - this.capacity); seq < this.recorded; seq++) list.push(this.entry(seq));
    return list;
  }

  private entry(seq: number): StreamEntry {
    const at = seq % this.capacity;
    const slot = seq % this.detailSlots;
    const kept = seq >= this.recorded - this.detailSlots && this.details.has(slot);
    const details = this.details;
    const masker = this.masker;
    const strings = this.strings;
    const error = this.errors[at];
    return {
      time: this.times[at],
      method: strings.text(this.methods[at]),
      url: masker.maskUrl(strings.text(this.urls[at])),
      requestHeaders: kept ? masker.maskHeaders(unpackHeaders(details.text(slot, REQUEST_HEADERS)!)) : {},
      requestBody: this.keptBody(kept, slot, REQUEST_BODY, this.requestLengths[at]),
      status: this.statuses[at] || null,
      statusLine: strings.text(this.statusLines[at]),
      responseHeaders: kept ? masker.maskHeaders(unpackHeaders(details.text(slot, RESPONSE_HEADERS)!)) : {},
      responseBody: this.keptBody(kept, slot, RESPONSE_BODY, this.responseLengths[at]),
      durationMs: this.durations[at],
      error: error === NO_SLOT ? null : masker.maskText(strings.text(error)),
    };
  }

  /** A body of `length` bytes, masked and truncated; a placeholder when its exchange keeps no details. */
  private keptBody(kept: boolean, slot: number, part: number, length: number): string | null {
    const body = kept ? this.details.text(slot, part) : null;
    if (body === null) return this.notKept(length);
    const masked = this.masker.maskBody(body);
    if (masked.length <= STREAM_BODY_LIMIT && this.details.length(slot, part) === length) return masked;
    return `${masked.slice(0, STREAM_BODY_LIMIT)}… [truncated, ${length} bytes in all]`;
  }

  private notKept(length: number): string | null {
    return length > 0 ? `[${length} bytes, not kept: ${NOT_KEPT_BECAUSE}]` : null;
  }

}

/** No answer, or one outside 2xx: kept whoever watches. */
function failed(exchange: Exchange): boolean {
  return exchange.error !== null || exchange.status === null || exchange.status < 200 || exchange.status >= 300;
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

/**
 * Headers as one string of `name:value` lines (a repeated header joined with commas), the
 * form they take in the detail ring. A name never holds a colon nor a value a line feed
 * (the response parser splits on them, and a request's are Tally's own), so it reads back
 * unchanged.
 */
function packHeaders(headers: ReceivedHeaders): string {
  const flat = flattenHeaders(headers);
  const lines: string[] = [];
  for (const name in flat) lines.push(`${name}:${flat[name]}`);
  return lines.join('\n');
}

function unpackHeaders(packed: string): Record<string, string> {
  const headers: Record<string, string> = {};
  if (packed === '') return headers;
  for (const line of packed.split('\n')) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return headers;
}

/** The head of a long text (it is copied into the detail ring at once, so a slice will do). */
function clip(text: string | null): string | null {
  return text === null || text.length <= CLIP ? text : text.slice(0, CLIP);
}
