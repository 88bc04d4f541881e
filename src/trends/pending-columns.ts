/**
 * Trend points and rollup buckets waiting to be written, as columns of numbers instead of an
 * object each. At 3,000 StreamHubs about 4,000 points a second wait up to a second for the
 * flush, and each flush's buckets until the write thread has committed them: as objects
 * they outlived the young generation and were copied twice by the garbage collector before
 * dying in the old one, and each was cloned field by field on its way to the write thread.
 * Columns go there as a few blocks of memory.
 */

/** Record i of a batch is `{ field: columns[field][i], ... }`. */
export type Columns<Field extends string> = Readonly<Record<Field, Float64Array>>;

const INITIAL_CAPACITY = 1024;

export class PendingColumns<Field extends string> {
  private columns: Record<Field, Float64Array>;
  private count = 0;

  constructor(private readonly fields: readonly Field[]) {
    this.columns = emptyColumns(fields, INITIAL_CAPACITY);
  }

  get length(): number {
    return this.count;
  }

  /** Copies the record's numbers in: the record itself is not kept. */
  push(record: Readonly<Record<Field, number>>): void {
    if (this.count === this.columns[this.fields[0]].length) this.grow(this.count * 2);
    const at = this.count++;
    for (const field of this.fields) this.columns[field][at] = record[field];
  }

  /** The records so far, in columns of their own; this starts empty again. */
  take(): Columns<Field> {
    const taken = {} as Record<Field, Float64Array>;
    for (const field of this.fields) taken[field] = this.columns[field].slice(0, this.count);
    this.count = 0;
    return taken;
  }

  /**
   * Puts back a batch that was not written, before the records that came since, keeping the
   * newest `max` in all: a store that keeps failing must not take all memory.
   */
  restore(batch: Columns<Field>, max = Infinity): void {
    const batchLength = columnLength(batch);
    const kept = Math.min(batchLength + this.count, max);
    // The batch's records first, then those held now; the oldest beyond `kept` go.
    const dropped = batchLength + this.count - kept;
    const batchStart = Math.min(dropped, batchLength);
    const ownStart = dropped - batchStart;
    const merged = emptyColumns(this.fields, Math.max(kept, INITIAL_CAPACITY));
    for (const field of this.fields) {
      merged[field].set(batch[field].subarray(batchStart));
      merged[field].set(this.columns[field].subarray(ownStart, this.count), batchLength - batchStart);
    }
    this.columns = merged;
    this.count = kept;
  }

  private grow(capacity: number): void {
    const larger = emptyColumns(this.fields, capacity);
    for (const field of this.fields) larger[field].set(this.columns[field].subarray(0, this.count));
    this.columns = larger;
  }
}

/** How many records a batch holds. */
export function columnLength<Field extends string>(columns: Columns<Field>): number {
  for (const field in columns) return columns[field].length;
  return 0;
}

/** The given records as columns, in order: for batches made whole (a prune has none; tests, the trend benchmark). */
export function columnsOf<Field extends string>(fields: readonly Field[], records: readonly Readonly<Record<Field, number>>[]): Columns<Field> {
  const pending = new PendingColumns(fields);
  for (const record of records) pending.push(record);
  return pending.take();
}

function emptyColumns<Field extends string>(fields: readonly Field[], capacity: number): Record<Field, Float64Array> {
  const columns = {} as Record<Field, Float64Array>;
  for (const field of fields) columns[field] = new Float64Array(capacity);
  return columns;
}
