import { describe, expect, it } from 'vitest';
import { chartColumns, formatTrendValue, trendRange, TREND_RANGES, valueExtent } from './trend-range.js';

describe('trend ranges', () => {
  it('reads real-time points for the last hour and rollups for longer ranges, at most ~1000 points', () => {
    expect(TREND_RANGES.map((range) => [range.id, range.window])).toEqual([
      ['1h', 'raw'],
      ['24h', '5m'],
      ['7d', '1h'],
      ['31d', '1h'],
    ]);
    const bucketMs = { '5m': 300_000, '1h': 3_600_000 } as const;
    for (const range of TREND_RANGES.filter((r) => r.window !== 'raw')) {
      expect(range.spanMs / bucketMs[range.window as keyof typeof bucketMs]).toBeLessThanOrEqual(1000);
    }
    expect(trendRange('7d').label).toBe('7 d');
    expect(trendRange('nonsense').id).toBe('1h');
  });

  it('turns raw points into x seconds and values', () => {
    const columns = chartColumns({ window: 'raw', points: [{ t: 1000, v: 5 }, { t: 3000, v: 7 }] });
    expect(columns).toEqual([[1, 3], [5, 7]]);
    expect(valueExtent(columns)).toEqual({ min: 5, max: 7 });
  });

  it('turns rollups into average, minimum and maximum columns', () => {
    const columns = chartColumns({
      window: '5m',
      points: [
        { t: 0, avg: 5, min: 1, max: 9, count: 3 },
        { t: 300_000, avg: 6, min: 4, max: 12, count: 2 },
      ],
    });
    expect(columns).toEqual([[0, 300], [5, 6], [1, 4], [9, 12]]);
    expect(valueExtent(columns)).toEqual({ min: 1, max: 12 });
    expect(valueExtent(chartColumns({ window: 'raw', points: [] }))).toBeNull();
  });

  it('formats values with decimals and unit', () => {
    expect(formatTrendValue(1234.5678, 0, 'kb/s')).toBe('1235 kb/s');
    expect(formatTrendValue(0.1 + 0.2)).toBe('0.3');
    expect(formatTrendValue(null, 2, '%')).toBe('—');
  });
});
