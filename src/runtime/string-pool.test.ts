import { describe, expect, it } from 'vitest';
import { StringPool } from './string-pool.js';

/** A string equal to `text` but a different object, as each parse of an answer makes. */
const fresh = (text: string): string => [...text].join('');

describe('string pool', () => {
  it('holds one copy per short value, and interns the string cells of a row in place', () => {
    const pool = new StringPool();
    const first = fresh('1080p50');
    expect(pool.intern(first)).toBe(first);
    const cells: Record<string, unknown> = { format: fresh('1080p50'), bitrate: 5000, enabled: true, note: null };
    pool.internCells(cells);
    expect(cells).toEqual({ format: '1080p50', bitrate: 5000, enabled: true, note: null });
    expect(pool.size).toBe(1);
    // Long strings are kept as they come.
    const long = 'x'.repeat(65);
    pool.intern(long);
    expect(pool.size).toBe(1);
  });

  it('stays within two generations while values seen once keep coming', () => {
    const pool = new StringPool(100);
    pool.intern('streaming');
    for (let n = 0; n < 1000; n++) {
      pool.intern(`serial-${n}`);
      if (n % 50 === 0) pool.intern(fresh('streaming'));
    }
    expect(pool.size).toBeLessThanOrEqual(200);
    pool.intern('streaming');
    expect(pool.size).toBeLessThanOrEqual(200);
  });
});
