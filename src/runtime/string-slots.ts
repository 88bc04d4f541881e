/**
 * The distinct strings of a ring of records, each under a small number (its slot), counted
 * by how many records use it: a record stores the number, not a reference. A slot no record
 * uses any more is freed and given to the next new string.
 *
 * Why: the stream viewer keeps the method, URL, status line and error of its last 100
 * exchanges, per element. As four arrays of references that was 3.2 KB an element and 400
 * references for the garbage collector to follow at every full collection, 4 million at
 * 10,000 elements, though a device is asked the same few URLs over and over and answers
 * with the same few status lines. As numbers they sit in the viewer's buffer, which the
 * collector does not scan, and only the dozen or so distinct strings are references.
 */

/** The slot of "nothing" (an exchange without an error, say). */
export const NO_SLOT = 0xffff;

export class StringSlots {
  private readonly strings: string[] = [];
  private readonly uses: number[] = [];
  private readonly slots = new Map<string, number>();
  private readonly freed: number[] = [];

  /** The slot of `text`, counting one more use (a new string takes a free slot). */
  use(text: string): number {
    let slot = this.slots.get(text);
    if (slot === undefined) {
      slot = this.freed.pop() ?? this.strings.length;
      // A ring of records holds fewer references than this; reaching it is a bug, not load.
      if (slot >= NO_SLOT) throw new Error('string slots exhausted');
      this.strings[slot] = text;
      this.uses[slot] = 0;
      this.slots.set(text, slot);
    }
    this.uses[slot]++;
    return slot;
  }

  /** One use fewer; the last frees the slot and lets the string go. */
  release(slot: number): void {
    if (slot === NO_SLOT || --this.uses[slot] > 0) return;
    this.slots.delete(this.strings[slot]);
    this.strings[slot] = '';
    this.freed.push(slot);
  }

  text(slot: number): string {
    return this.strings[slot];
  }

  /** Distinct strings in use (diagnostics and tests). */
  get size(): number {
    return this.slots.size;
  }
}
