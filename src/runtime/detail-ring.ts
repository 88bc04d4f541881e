/**
 * The details of an element's newest exchanges — headers and bodies, as bytes — copied into
 * pages of a pool every ring shares (page-pool.ts), instead of each kept as the objects,
 * strings and blocks of bytes they arrived in.
 *
 * Why: a kept detail lives a few polls, long enough to reach the garbage collector's old
 * generation, where only a full collection frees it. Kept as the bytes of the read, the
 * bodies were memory outside the JavaScript heap, and V8 starts a full collection whenever
 * that memory has grown by 64 MB since the last one: at 10,000 elements the stream viewer
 * alone grew it by that much every 7 s (bench/README.md, round 13). The headers, kept as a
 * string and an object for each exchange, aged into the old generation the same way.
 * Copied into pages, a detail allocates nothing that lives: what was read dies young with
 * the answer, and the pages go back to the pool when the record goes.
 *
 * A record is a fixed number of parts (a string, stored as UTF-8, some bytes, or nothing),
 * one after another in a chain of pages. The slots are written in turn (0, 1, …, 0, …): the
 * slot after the one written holds the oldest record, the first to go when the ring would
 * hold more than its limit.
 */
import { NO_PAGE, PAGE_BYTES, PagePool } from './page-pool.js';

/** A slot that keeps no record. */
const NONE = -1;
/** The first page of a record with no bytes at all. */
const EMPTY = -2;
/** UTF-8 takes at most three bytes for each UTF-16 unit of a string. */
const MAX_UTF8_PER_UNIT = 3;

export type Part = string | Uint8Array | null;

/** The pool of rings that are given none: one per thread that records. */
const sharedPool = new PagePool();

/** What the shared pool holds, in bytes: pages lent to records, and slabs (the metrics' gauge). */
export function detailPageUsage(): { inUse: number; held: number } {
  return { inUse: sharedPool.bytesInUse, held: sharedPool.bytesHeld };
}

export class DetailRing {
  /**
   * Per slot, `1 + parts` numbers: its record's first page (NONE for a slot that keeps none,
   * EMPTY for a record without bytes), then each part's length in bytes (NONE for a part
   * that is null).
   */
  private readonly layout: Int32Array;
  private readonly stride: number;
  /** Bytes of the records kept. */
  private used = 0;
  private closed = false;

  /** `slots` records of `parts` parts each, together never more than `maxBytes`. */
  constructor(
    private readonly slots: number,
    private readonly parts: number,
    private readonly maxBytes: number,
    private readonly pool: PagePool = sharedPool,
  ) {
    this.stride = 1 + parts;
    this.layout = new Int32Array(slots * this.stride).fill(NONE);
  }

  /** Keeps a copy of `parts` in `slot`, in place of what it kept. */
  put(slot: number, parts: readonly Part[]): void {
    if (this.closed) return;
    this.clear(slot);
    const base = slot * this.stride;
    // Strings are encoded one after another into the pool's scratch buffer, which gives their lengths.
    let scratchSize = 0;
    for (let i = 0; i < this.parts; i++) {
      const part = parts[i];
      if (typeof part === 'string') scratchSize += part.length * MAX_UTF8_PER_UNIT;
    }
    const scratch = scratchSize > 0 ? this.pool.scratch(scratchSize) : null;
    let encoded = 0;
    let size = 0;
    for (let i = 0; i < this.parts; i++) {
      const part = parts[i] ?? null;
      let length = NONE;
      if (typeof part === 'string') {
        length = part.length === 0 ? 0 : (scratch as Buffer).write(part, encoded, 'utf8');
        encoded += length;
      } else if (part !== null) length = part.length;
      this.layout[base + 1 + i] = length;
      if (length > 0) size += length;
    }
    if (size > this.maxBytes) throw new RangeError(`a record of ${size} bytes cannot fit in ${this.maxBytes}`);
    // The oldest records go first while the rest and this one would hold more than the limit.
    for (let older = (slot + 1) % this.slots; this.used + size > this.maxBytes && older !== slot; older = (older + 1) % this.slots) {
      this.clear(older);
    }
    if (size === 0) {
      this.layout[base] = EMPTY;
      return;
    }
    const first = this.pool.take(Math.ceil(size / PAGE_BYTES));
    this.layout[base] = first;
    this.used += size;
    const writer = new PageCursor(this.pool, first);
    encoded = 0;
    for (let i = 0; i < this.parts; i++) {
      const part = parts[i] ?? null;
      const length = this.layout[base + 1 + i];
      if (typeof part === 'string') {
        writer.write(scratch as Buffer, encoded, encoded + length);
        encoded += length;
      } else if (part !== null) writer.write(part, 0, length);
    }
  }

  /** Whether `slot` keeps a record. */
  has(slot: number): boolean {
    return this.layout[slot * this.stride] !== NONE;
  }

  /** The byte length of a part of the record in `slot`; NONE when it was null or the slot keeps nothing. */
  length(slot: number, part: number): number {
    return this.has(slot) ? this.layout[slot * this.stride + 1 + part] : NONE;
  }

  /** A part of the record in `slot` decoded from UTF-8 (a character cut at the end shows as U+FFFD); null for none. */
  text(slot: number, part: number): string | null {
    const base = slot * this.stride;
    const first = this.layout[base];
    const length = this.layout[base + 1 + part];
    if (first === NONE || length === NONE) return null;
    if (length === 0) return '';
    let start = 0;
    for (let i = 0; i < part; i++) start += Math.max(0, this.layout[base + 1 + i]);
    const bytes = Buffer.allocUnsafe(length);
    new PageCursor(this.pool, first).skip(start).read(bytes);
    return bytes.toString('utf8');
  }

  /** Bytes of the pages this ring holds (diagnostics and tests). */
  get capacity(): number {
    let pages = 0;
    for (let slot = 0; slot < this.slots; slot++) {
      for (let page = this.layout[slot * this.stride]; page >= 0; page = this.pool.next(page)) pages++;
    }
    return pages * PAGE_BYTES;
  }

  /** Gives every page back to the pool; the ring keeps nothing from now on (its element was deleted). */
  close(): void {
    for (let slot = 0; slot < this.slots; slot++) this.clear(slot);
    this.closed = true;
  }

  /** Lets go of what `slot` keeps. */
  clear(slot: number): void {
    const base = slot * this.stride;
    const first = this.layout[base];
    if (first === NONE) return;
    if (first !== EMPTY) this.pool.release(first);
    for (let i = 1; i <= this.parts; i++) this.used -= Math.max(0, this.layout[base + i]);
    this.layout[base] = NONE;
  }
}

/**
 * A position in a chain of pages, moved on by what is written or read. Pages that follow
 * each other in their slab are copied to or from at once: a chain taken from a fresh slab,
 * or given back and taken again whole, is one run.
 */
class PageCursor {
  /** Bytes of the current page already passed; PAGE_BYTES at its end. */
  private at = 0;

  constructor(
    private readonly pool: PagePool,
    private page: number,
  ) {}

  /** Copies `source[from, to)` in. */
  write(source: Uint8Array, from: number, to: number): void {
    while (from < to) {
      const count = this.span(to - from);
      // Buffer's copy takes any Uint8Array and makes no view of it.
      Buffer.prototype.copy.call(source, this.pool.slabOf(this.page), this.pool.offsetOf(this.page) + this.at, from, from + count);
      from += count;
      this.advance(count);
    }
  }

  /** Fills `target` from here. */
  read(target: Buffer): void {
    for (let filled = 0; filled < target.length; ) {
      const count = this.span(target.length - filled);
      const start = this.pool.offsetOf(this.page) + this.at;
      this.pool.slabOf(this.page).copy(target, filled, start, start + count);
      filled += count;
      this.advance(count);
    }
  }

  skip(bytes: number): this {
    while (bytes > 0) {
      const count = this.span(bytes);
      bytes -= count;
      this.advance(count);
    }
    return this;
  }

  /** How many of `wanted` bytes lie in one stretch of memory from here: this page's rest and the pages right after it. */
  private span(wanted: number): number {
    if (this.at === PAGE_BYTES) {
      this.page = this.pool.next(this.page);
      this.at = 0;
      if (this.page === NO_PAGE) throw new RangeError('past the end of the record');
    }
    let room = PAGE_BYTES - this.at;
    for (let page = this.page; room < wanted && this.pool.adjoins(page); page++) room += PAGE_BYTES;
    return Math.min(room, wanted);
  }

  private advance(bytes: number): void {
    this.at += bytes;
    while (this.at > PAGE_BYTES) {
      this.page = this.pool.next(this.page);
      this.at -= PAGE_BYTES;
    }
  }
}
