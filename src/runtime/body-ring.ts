/**
 * The bodies of an element's newest answers, copied one after another into one buffer that
 * is reused, instead of each kept as the bytes it was read in.
 *
 * Why: the bytes of a read live outside the JavaScript heap, and V8 counts every new such
 * block as memory the heap owns from outside. A kept body lives a few polls, long enough to
 * reach the old generation, where it is freed only by a full collection; and V8 starts a
 * full collection whenever that outside memory has grown by 64 MB since the last one. At
 * 10,000 elements the stream viewer's kept bodies alone grew by that much every 7 s, so the
 * collector marked the whole heap every 7 s (every 34 s with no bodies kept; bench/README.md,
 * round 13). Copied into a buffer the viewer already has, a body allocates nothing once the
 * buffer has the room, and the bytes read die young with the rest of the answer.
 *
 * The slots are written in turn (0, 1, …, 0, …): the slot after the one written holds the
 * oldest body, and it is the first to go when the buffer cannot grow any more.
 */
const EMPTY = new Uint8Array(0);
/** Room is rounded up to this, and a buffer is never smaller. */
const GRANULE = 1024;
/** Room for a quarter more than what must fit when the buffer grows, so that it seldom does. */
const GROWTH = 1.25;

export class BodyRing {
  private bytes: Uint8Array = EMPTY;
  /** Where a slot's body starts (-1 for a slot that keeps none), then its length: two numbers a slot. */
  private readonly ranges: Int32Array;
  /** Where the last body written ends: the next goes there when it fits. */
  private end = 0;

  /** `slots` bodies, the buffer never larger than `maxBytes` (the bodies are cut to fit it before they come). */
  constructor(
    private readonly slots: number,
    private readonly maxBytes: number,
  ) {
    this.ranges = new Int32Array(slots * 2);
    for (let slot = 0; slot < slots; slot++) this.ranges[slot * 2] = -1;
  }

  /** Keeps a copy of `body` (null: none) in `slot`, in place of what it kept. */
  put(slot: number, body: Uint8Array | null): void {
    this.ranges[slot * 2] = -1;
    if (body === null) return;
    const length = Math.min(body.length, this.maxBytes);
    const at = this.place(slot, length);
    this.bytes.set(length === body.length ? body : body.subarray(0, length), at);
    this.ranges[slot * 2] = at;
    this.ranges[slot * 2 + 1] = length;
    this.end = at + length;
  }

  /** The body a slot keeps, as a view of the buffer that is good until the next `put`; null for none. */
  get(slot: number): Uint8Array | null {
    const start = this.ranges[slot * 2];
    return start < 0 ? null : this.bytes.subarray(start, start + this.ranges[slot * 2 + 1]);
  }

  /** Bytes the buffer holds, used or not (diagnostics and tests). */
  get capacity(): number {
    return this.bytes.length;
  }

  /** Where `length` bytes for `slot` go: after the last body, at the start, or after moving the others together. */
  private place(slot: number, length: number): number {
    if (this.end + length <= this.bytes.length && this.isFree(this.end, length)) return this.end;
    if (length <= this.bytes.length && this.isFree(0, length)) return 0;
    // The oldest bodies go first while the rest and this one cannot fit even in the largest buffer.
    for (let older = (slot + 1) % this.slots; this.used() + length > this.maxBytes && older !== slot; older = (older + 1) % this.slots) {
      this.ranges[older * 2] = -1;
    }
    const needed = this.used() + length;
    this.moveTogether(needed <= this.bytes.length ? this.bytes : new Uint8Array(this.roomFor(needed)));
    return this.end;
  }

  private roomFor(needed: number): number {
    return Math.max(needed, Math.min(this.maxBytes, Math.ceil((needed * GROWTH) / GRANULE) * GRANULE));
  }

  private isFree(from: number, length: number): boolean {
    const to = from + length;
    for (let slot = 0; slot < this.slots; slot++) {
      const start = this.ranges[slot * 2];
      if (start >= 0 && start < to && from < start + this.ranges[slot * 2 + 1]) return false;
    }
    return true;
  }

  private used(): number {
    let used = 0;
    for (let slot = 0; slot < this.slots; slot++) if (this.ranges[slot * 2] >= 0) used += this.ranges[slot * 2 + 1];
    return used;
  }

  /**
   * Moves the kept bodies together at the start of `into` (this buffer or a larger one),
   * lowest first, so that none is overwritten before it moved.
   */
  private moveTogether(into: Uint8Array): void {
    let end = 0;
    for (const slot of this.keptByStart()) {
      const start = this.ranges[slot * 2];
      const length = this.ranges[slot * 2 + 1];
      if (into === this.bytes) into.copyWithin(end, start, start + length);
      else into.set(this.bytes.subarray(start, start + length), end);
      this.ranges[slot * 2] = end;
      end += length;
    }
    this.bytes = into;
    this.end = end;
  }

  private keptByStart(): number[] {
    const kept: number[] = [];
    for (let slot = 0; slot < this.slots; slot++) if (this.ranges[slot * 2] >= 0) kept.push(slot);
    return kept.sort((a, b) => this.ranges[a * 2] - this.ranges[b * 2]);
  }
}
