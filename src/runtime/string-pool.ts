/**
 * One copy of each short string that many table rows hold, across all elements: the
 * statuses, types, formats and names that thousands of devices report alike.
 *
 * Why: every answer a device sends is parsed into new strings, and a changed row keeps
 * them. At 2,000 StreamHubs the value caches held about 90,000 cell strings with about a
 * thousand distinct values (an output's message had 82 across 17,600 rows) — objects for
 * the garbage collector to visit at every full collection, whose cost at 10,000 elements
 * is what operators' actions waited for (bench/README.md, round 12).
 *
 * Bounded in two generations: a string is looked up in the young one, then the old one
 * (and moved to the young); when the young one is full it becomes the old one and the
 * previous old one is let go. A value seen again and again stays shared; one seen once (a
 * serial number) ages out instead of filling the pool.
 */

/** Longer strings are rarely repeated (and cost their hashing): kept as they come. */
const MAX_LENGTH = 64;
const GENERATION_SIZE = 16_384;

export class StringPool {
  private young = new Map<string, string>();
  private old = new Map<string, string>();

  constructor(private readonly generationSize = GENERATION_SIZE) {}

  /** The pool's copy of `text` (`text` itself the first time it is seen). */
  intern(text: string): string {
    if (text.length > MAX_LENGTH) return text;
    const young = this.young.get(text);
    if (young !== undefined) return young;
    const shared = this.old.get(text) ?? text;
    if (this.young.size >= this.generationSize) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(shared, shared);
    return shared;
  }

  /** Replaces the string cells of a row's own `cells` object with the pool's copies. */
  internCells(cells: Record<string, unknown>): void {
    for (const column in cells) {
      const value = cells[column];
      if (typeof value === 'string') cells[column] = this.intern(value);
    }
  }

  /** Strings held (diagnostics and tests). */
  get size(): number {
    return this.young.size + this.old.size;
  }
}

/** The pool the value caches of all elements share. */
export const cellStrings = new StringPool();
