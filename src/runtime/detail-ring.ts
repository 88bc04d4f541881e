/**
 * The details of an element's newest exchanges — headers and bodies, as bytes — copied one
 * after another into one buffer that is reused, instead of each kept as the objects,
 * strings and blocks of bytes they arrived in.
 *
 * Why: a kept detail lives a few polls, long enough to reach the garbage collector's old
 * generation, where only a full collection frees it. Kept as the bytes of the read, the
 * bodies were memory outside the JavaScript heap, and V8 starts a full collection whenever
 * that memory has grown by 64 MB since the last one: at 10,000 elements the stream viewer
 * alone grew it by that much every 7 s, so the collector marked the whole heap every 7 s
 * (every 34 s with no bodies kept; bench/README.md, round 13). The headers, kept as a
 * string and an object for each exchange, aged into the old generation the same way.
 * Copied into a buffer the viewer already has, a detail allocates nothing that lives once
 * the buffer has the room, and what was read dies young with the answer.
 *
 * A record is a fixed number of parts (a string, stored as UTF-8, some bytes, or nothing).
 * The slots are written in turn (0, 1, …, 0, …): the slot after the one written holds the
 * oldest record, the first to go when the buffer cannot grow any more.
 */
/** Room is rounded up to this, and a buffer is never smaller. */
const GRANULE = 1024;
/** Room for a quarter more than what must fit when the buffer grows, so that it seldom does. */
const GROWTH = 1.25;
/** A buffer more than this many times the room its records need is replaced by a smaller one. */
const SHRINK_BELOW = 4;
const NONE = -1;

export type Part = string | Uint8Array | null;

export class DetailRing {
  private bytes: Buffer = Buffer.alloc(0);
  /**
   * Per slot, `1 + parts` numbers: where its record starts (NONE for a slot that keeps
   * none), then each part's length in bytes (NONE for a part that is null).
   */
  private readonly layout: Int32Array;
  private readonly stride: number;
  /** Where the last record written ends: the next goes there when it fits. */
  private end = 0;

  /** `slots` records of `parts` parts each, the buffer never larger than `maxBytes`. */
  constructor(
    private readonly slots: number,
    private readonly parts: number,
    private readonly maxBytes: number,
  ) {
    this.stride = 1 + parts;
    this.layout = new Int32Array(slots * this.stride).fill(NONE);
  }

  /** Keeps a copy of `parts` in `slot`, in place of what it kept. */
  put(slot: number, parts: readonly Part[]): void {
    const base = slot * this.stride;
    this.layout[base] = NONE;
    let size = 0;
    for (let i = 0; i < this.parts; i++) {
      const part = parts[i] ?? null;
      const length = part === null ? NONE : typeof part === 'string' ? Buffer.byteLength(part) : part.length;
      this.layout[base + 1 + i] = length;
      if (length > 0) size += length;
    }
    if (size > this.maxBytes) throw new RangeError(`a record of ${size} bytes cannot fit in ${this.maxBytes}`);
    let at = this.place(slot, size);
    this.layout[base] = at;
    for (let i = 0; i < this.parts; i++) {
      const part = parts[i] ?? null;
      if (part === null) continue;
      if (typeof part === 'string') this.bytes.write(part, at, 'utf8');
      else this.bytes.set(part, at);
      at += this.layout[base + 1 + i];
    }
    this.end = at;
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
    let start = this.layout[base];
    if (start === NONE || this.layout[base + 1 + part] === NONE) return null;
    for (let i = 0; i < part; i++) start += Math.max(0, this.layout[base + 1 + i]);
    return this.bytes.toString('utf8', start, start + this.layout[base + 1 + part]);
  }

  /** Bytes the buffer holds, used or not (diagnostics and tests). */
  get capacity(): number {
    return this.bytes.length;
  }

  /**
   * Where `size` bytes for `slot` go: after the last record, else (wrapping round, the moment
   * to see whether the buffer is still the right size) at the start, else after moving the
   * others together; in a new buffer when this one is too small, or far too large (one big
   * answer once).
   */
  private place(slot: number, size: number): number {
    if (this.end + size <= this.bytes.length && this.isFree(this.end, size)) return this.end;
    // The oldest records go first while the rest and this one cannot fit even in the largest buffer.
    for (let older = (slot + 1) % this.slots; this.used() + size > this.maxBytes && older !== slot; older = (older + 1) % this.slots) {
      this.layout[older * this.stride] = NONE;
    }
    const needed = this.used() + size;
    const room = this.roomFor(needed);
    if (needed > this.bytes.length || this.bytes.length > room * SHRINK_BELOW) this.moveTogether(Buffer.alloc(room));
    else if (this.isFree(0, size)) return 0;
    else this.moveTogether(this.bytes);
    return this.end;
  }

  private roomFor(needed: number): number {
    return Math.max(needed, Math.min(this.maxBytes, Math.ceil((needed * GROWTH) / GRANULE) * GRANULE));
  }

  private sizeOf(slot: number): number {
    let size = 0;
    for (let i = 1; i <= this.parts; i++) size += Math.max(0, this.layout[slot * this.stride + i]);
    return size;
  }

  private isFree(from: number, size: number): boolean {
    const to = from + size;
    for (let slot = 0; slot < this.slots; slot++) {
      const start = this.layout[slot * this.stride];
      if (start !== NONE && start < to && from < start + this.sizeOf(slot)) return false;
    }
    return true;
  }

  private used(): number {
    let used = 0;
    for (let slot = 0; slot < this.slots; slot++) if (this.has(slot)) used += this.sizeOf(slot);
    return used;
  }

  /**
   * Moves the kept records together at the start of `into` (this buffer or a larger one),
   * lowest first, so that none is overwritten before it moved.
   */
  private moveTogether(into: Buffer): void {
    let end = 0;
    for (const slot of this.keptByStart()) {
      const start = this.layout[slot * this.stride];
      const size = this.sizeOf(slot);
      if (into === this.bytes) into.copyWithin(end, start, start + size);
      else into.set(this.bytes.subarray(start, start + size), end);
      this.layout[slot * this.stride] = end;
      end += size;
    }
    this.bytes = into;
    this.end = end;
  }

  private keptByStart(): number[] {
    const kept: number[] = [];
    for (let slot = 0; slot < this.slots; slot++) if (this.has(slot)) kept.push(slot);
    return kept.sort((a, b) => this.layout[a * this.stride] - this.layout[b * this.stride]);
  }
}
