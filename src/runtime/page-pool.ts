/**
 * Fixed-size pages of memory, carved from large slabs and shared by every element's detail
 * ring (see DetailRing). A ring takes a chain of pages for each record it keeps and gives
 * them back when the record goes; the next record of any element takes them again.
 *
 * Why pages rather than a buffer per ring: a ring's newest records change size from poll to
 * poll (which inputs are live decides how many link-statistics answers a cycle has), so a
 * buffer of its own had to be replaced by a larger one now and then — at 5,000 elements 38
 * to 88 times a second in the first minutes of polling, ~17 KB each, most having lived a
 * minute or more. Such buffers are memory outside the JavaScript heap, and V8 starts a full
 * collection whenever that memory has grown by 64 MB since the last one: at 10,000 elements
 * it marked the whole 300 MB heap every 10–27 s for them (bench/README.md, round 16).
 * Slabs are allocated once and stay, so keeping details allocates nothing outside the heap
 * once the pool has grown to what the rings hold at once.
 *
 * The pool keeps its highest size: pages freed by deleted elements wait for new records.
 */
export const PAGE_BYTES = 512;
const PAGES_PER_SLAB = 2048;
const SLAB_SHIFT = Math.log2(PAGES_PER_SLAB);
/** The end of a chain. */
export const NO_PAGE = -1;

export class PagePool {
  private readonly slabs: Buffer[] = [];
  /** The page after each page in its chain; NO_PAGE after the last. */
  private links = new Int32Array(0);
  /** Free pages, taken from the top. */
  private free = new Int32Array(0);
  private freeCount = 0;
  /** Strings are encoded here on their way into pages: one buffer for every ring, grown to the largest. */
  private scratchBytes = Buffer.alloc(0);

  /** A chain of `count` new pages (at least one); returns its first page. */
  take(count: number): number {
    while (this.freeCount < count) this.addSlab();
    let first = NO_PAGE;
    for (let i = 0; i < count; i++) {
      const page = this.free[--this.freeCount];
      this.links[page] = first;
      first = page;
    }
    return first;
  }

  /** Gives back the chain that starts at `first`. */
  release(first: number): void {
    for (let page = first; page !== NO_PAGE; page = this.links[page]) this.free[this.freeCount++] = page;
  }

  next(page: number): number {
    return this.links[page];
  }

  /** Whether the page after `page` in its chain is the next one in the same slab. */
  adjoins(page: number): boolean {
    const following = page + 1;
    return this.links[page] === following && (following & (PAGES_PER_SLAB - 1)) !== 0;
  }

  slabOf(page: number): Buffer {
    return this.slabs[page >>> SLAB_SHIFT];
  }

  /** Where `page` starts in its slab. */
  offsetOf(page: number): number {
    return (page & (PAGES_PER_SLAB - 1)) * PAGE_BYTES;
  }

  /** A buffer of at least `bytes` bytes to encode into, overwritten by the next caller. */
  scratch(bytes: number): Buffer {
    if (this.scratchBytes.length < bytes) this.scratchBytes = Buffer.alloc(Math.max(bytes, this.scratchBytes.length * 2));
    return this.scratchBytes;
  }

  /** Pages lent, in bytes. */
  get bytesInUse(): number {
    return (this.links.length - this.freeCount) * PAGE_BYTES;
  }

  /** Bytes of slabs held. */
  get bytesHeld(): number {
    return this.links.length * PAGE_BYTES;
  }

  private addSlab(): void {
    const first = this.links.length;
    const total = first + PAGES_PER_SLAB;
    this.slabs.push(Buffer.alloc(PAGES_PER_SLAB * PAGE_BYTES));
    const links = new Int32Array(total);
    links.set(this.links);
    this.links = links;
    const free = new Int32Array(total);
    free.set(this.free.subarray(0, this.freeCount));
    // Taken from the top, they make chains that run up through the slab: each chain one run of memory.
    for (let page = first; page < total; page++) free[this.freeCount++] = page;
    this.free = free;
  }
}
