import { describe, expect, it } from 'vitest';
import { OpenBuckets } from './open-buckets.js';

const WINDOWS = [300_000, 3_600_000];

describe('open buckets', () => {
  it('keeps each series its last value and one open bucket per window, apart from the others', () => {
    const open = new OpenBuckets(WINDOWS);
    const a = open.allocate();
    const b = open.allocate();
    expect(open.last(a)).toBeNull();
    expect(open.bucketStart(a, 0)).toBeNaN();
    open.setLast(a, 2.5);
    open.begin(a, 0, 600_000, 2.5, 2.5, 2.5, 1);
    open.add(a, 0, -1);
    open.add(a, 0, 7.25);
    open.begin(b, 1, 3_600_000, 0, Infinity, -Infinity, 0);
    open.add(b, 1, 4);
    expect(open.last(a)).toBe(2.5);
    expect(open.bucket(a, 0, 11)).toEqual({ seriesId: 11, window: 300_000, t: 600_000, sum: 8.75, min: -1, max: 7.25, count: 3 });
    expect(open.bucket(b, 1, 12)).toEqual({ seriesId: 12, window: 3_600_000, t: 3_600_000, sum: 4, min: 4, max: 4, count: 1 });
    expect(open.last(b)).toBeNull();
    open.setLast(a, null);
    expect(open.last(a)).toBeNull();
  });

  it('grows past its first block without losing a number, and gives a released row to the next series, cleared', () => {
    const open = new OpenBuckets(WINDOWS);
    const rows = Array.from({ length: 1000 }, (_, i) => {
      const row = open.allocate();
      open.setLast(row, i + 0.5);
      open.begin(row, 1, i, i, i, i, 1);
      return row;
    });
    expect(new Set(rows).size).toBe(1000);
    rows.forEach((row, i) => {
      expect(open.last(row)).toBe(i + 0.5);
      expect(open.bucket(row, 1, 0).t).toBe(i);
    });
    open.release(rows[17]);
    const reused = open.allocate();
    expect(reused).toBe(rows[17]);
    expect(open.last(reused)).toBeNull();
    expect(open.bucket(reused, 1, 0)).toMatchObject({ t: NaN, sum: 0, count: 0 });
    expect(open.allocate()).toBe(1000);
  });
});
