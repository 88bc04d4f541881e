/**
 * Real-time trend points waiting for the next flush, as three columns of numbers instead of
 * an object each. At 3,000 StreamHubs about 4,000 points a second wait up to a second: as
 * objects they outlived the young generation and were copied twice by the garbage collector
 * before dying in the old one, and each was cloned field by field on its way to the store's
 * write thread. Columns are copied there as three blocks of memory.
 */

/** The points of one batch: point i is (seriesIds[i], times[i], values[i]). */
export interface PointColumns {
  seriesIds: Float64Array;
  times: Float64Array;
  values: Float64Array;
}

const INITIAL_CAPACITY = 1024;
const COLUMNS = ['seriesIds', 'times', 'values'] as const;

export class PendingPoints {
  private seriesIds = new Float64Array(INITIAL_CAPACITY);
  private times = new Float64Array(INITIAL_CAPACITY);
  private values = new Float64Array(INITIAL_CAPACITY);
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(seriesId: number, t: number, v: number): void {
    if (this.count === this.seriesIds.length) this.grow(this.count * 2);
    const at = this.count++;
    this.seriesIds[at] = seriesId;
    this.times[at] = t;
    this.values[at] = v;
  }

  /** The points so far, in columns of their own; this starts empty again. */
  take(): PointColumns {
    const taken = {
      seriesIds: this.seriesIds.slice(0, this.count),
      times: this.times.slice(0, this.count),
      values: this.values.slice(0, this.count),
    };
    this.count = 0;
    return taken;
  }

  /**
   * Puts back a batch that was not written, before the points that came since, keeping the
   * newest `max` in all: a store that keeps failing must not take all memory.
   */
  restore(batch: PointColumns, max: number): void {
    const total = batch.seriesIds.length + this.count;
    const kept = Math.min(total, max);
    const dropped = total - kept;
    // The batch's points first, then those held now; the first `dropped` of them go.
    const batchStart = Math.min(dropped, batch.seriesIds.length);
    const ownStart = dropped - batchStart;
    const capacity = Math.max(kept, INITIAL_CAPACITY);
    for (const column of COLUMNS) {
      const merged = new Float64Array(capacity);
      merged.set(batch[column].subarray(batchStart));
      merged.set(this[column].subarray(ownStart, this.count), batch.seriesIds.length - batchStart);
      this[column] = merged;
    }
    this.count = kept;
  }

  private grow(capacity: number): void {
    for (const column of COLUMNS) {
      const larger = new Float64Array(capacity);
      larger.set(this[column].subarray(0, this.count));
      this[column] = larger;
    }
  }
}

/** The given points as columns, in order: for batches made whole (a prune has none; tests, the trend benchmark). */
export function pointColumns(points: readonly { seriesId: number; t: number; v: number }[]): PointColumns {
  return {
    seriesIds: Float64Array.from(points, (point) => point.seriesId),
    times: Float64Array.from(points, (point) => point.t),
    values: Float64Array.from(points, (point) => point.v),
  };
}
