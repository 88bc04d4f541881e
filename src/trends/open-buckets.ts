/**
 * The numbers of every trend series that change as values arrive — its last value and, for
 * each rollup window, the open bucket (start, sum, min, max, count) — in one block of memory,
 * a row of numbers per series, instead of objects.
 *
 * Why: a series held its three open buckets as three objects with a box for each of their
 * fractional numbers, about twenty objects per series and 13–14 series per StreamHub. At
 * 10,000 elements that was nearly a third of the objects the garbage collector marks at
 * every full collection, and its marking on the event loop (clusters of 200–670 ms every
 * eight seconds or so) is what operators' actions waited for (bench/README.md, round 12).
 * A row here is no object at all, and a fractional value changes in place instead of
 * allocating a new box.
 *
 * Rows of removed series are reused for new ones.
 */

import type { Bucket } from './trend-store.js';

const LAST = 0;
const FIRST_WINDOW = 1;
const T = 0;
const SUM = 1;
const MIN = 2;
const MAX = 3;
const COUNT = 4;
const PER_WINDOW = 5;
const INITIAL_ROWS = 256;

export class OpenBuckets {
  private readonly stride: number;
  private numbers: Float64Array;
  private rows = 0;
  private readonly released: number[] = [];

  /** `windows`: each rollup window's length, ms; a series' buckets are addressed by index into it. */
  constructor(private readonly windows: readonly number[]) {
    this.stride = FIRST_WINDOW + windows.length * PER_WINDOW;
    this.numbers = new Float64Array(INITIAL_ROWS * this.stride);
  }

  /** A row for a new series: no last value, no bucket open. */
  allocate(): number {
    const row = this.released.pop() ?? this.rows++;
    if ((row + 1) * this.stride > this.numbers.length) {
      const larger = new Float64Array(this.numbers.length * 2);
      larger.set(this.numbers);
      this.numbers = larger;
    }
    this.numbers[row * this.stride + LAST] = NaN;
    for (let window = 0; window < this.windows.length; window++) this.begin(row, window, NaN, 0, Infinity, -Infinity, 0);
    return row;
  }

  release(row: number): void {
    this.released.push(row);
  }

  /** The last live value; null after a gap or before the first. */
  last(row: number): number | null {
    const value = this.numbers[row * this.stride + LAST];
    return Number.isNaN(value) ? null : value;
  }

  setLast(row: number, value: number | null): void {
    this.numbers[row * this.stride + LAST] = value ?? NaN;
  }

  /** Start of the window's open bucket (epoch ms), NaN while none is open. */
  bucketStart(row: number, window: number): number {
    return this.numbers[this.at(row, window) + T];
  }

  /** Sets the window's open bucket as given (a new one, or one continued from the store). */
  begin(row: number, window: number, t: number, sum: number, min: number, max: number, count: number): void {
    const at = this.at(row, window);
    this.numbers[at + T] = t;
    this.numbers[at + SUM] = sum;
    this.numbers[at + MIN] = min;
    this.numbers[at + MAX] = max;
    this.numbers[at + COUNT] = count;
  }

  /** Adds a value to the window's open bucket. */
  add(row: number, window: number, value: number): void {
    const at = this.at(row, window);
    this.numbers[at + SUM] += value;
    this.numbers[at + COUNT]++;
    if (value < this.numbers[at + MIN]) this.numbers[at + MIN] = value;
    if (value > this.numbers[at + MAX]) this.numbers[at + MAX] = value;
  }

  /** The window's open bucket as the store writes it. */
  bucket(row: number, window: number, seriesId: number): Bucket {
    const at = this.at(row, window);
    const n = this.numbers;
    return { seriesId, window: this.windows[window], t: n[at + T], sum: n[at + SUM], min: n[at + MIN], max: n[at + MAX], count: n[at + COUNT] };
  }

  private at(row: number, window: number): number {
    return row * this.stride + FIRST_WINDOW + window * PER_WINDOW;
  }
}
