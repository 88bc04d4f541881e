/**
 * What a trend chart shows: the time ranges an operator picks, the window each one reads
 * (real-time points for the last hour, rollups beyond, so a chart never asks for more than
 * about a thousand points), and the columns uPlot draws.
 */
import type { TrendSeries, TrendWindow } from '../api/types.js';

export interface TrendRange {
  id: string;
  label: string;
  spanMs: number;
  window: TrendWindow;
}

const HOUR = 3_600_000;

export const TREND_RANGES: readonly TrendRange[] = [
  { id: '1h', label: 'Last hour', spanMs: HOUR, window: 'raw' },
  { id: '24h', label: '24 h', spanMs: 24 * HOUR, window: '5m' },
  { id: '7d', label: '7 d', spanMs: 7 * 24 * HOUR, window: '1h' },
  { id: '31d', label: '31 d', spanMs: 31 * 24 * HOUR, window: '1h' },
];

export function trendRange(id: string | undefined): TrendRange {
  return TREND_RANGES.find((range) => range.id === id) ?? TREND_RANGES[0];
}

/**
 * uPlot's columns: x in seconds, then the value (raw), or the average, minimum and maximum
 * (rollups), which the chart draws as a line in a min/max band.
 */
export type ChartColumns = [number[], ...(number | null)[][]];

export function chartColumns(series: Pick<TrendSeries, 'window' | 'points'>): ChartColumns {
  if (series.window === 'raw') {
    const points = series.points as { t: number; v: number }[];
    return [points.map((point) => point.t / 1000), points.map((point) => point.v)];
  }
  const points = series.points as { t: number; avg: number; min: number; max: number }[];
  return [
    points.map((point) => point.t / 1000),
    points.map((point) => point.avg),
    points.map((point) => point.min),
    points.map((point) => point.max),
  ];
}

/** The lowest and highest value shown, for the chart's caption. */
export function valueExtent(columns: ChartColumns): { min: number; max: number } | null {
  let min = Infinity;
  let max = -Infinity;
  for (const column of columns.slice(1) as (number | null)[][]) {
    for (const value of column) {
      if (value === null) continue;
      if (value < min) min = value;
      if (value > max) max = value;
    }
  }
  return min === Infinity ? null : { min, max };
}

/** A trended value with its unit: the decimals the definition asks for, else six significant digits. */
export function formatTrendValue(value: number | null, decimals?: number, unit?: string): string {
  if (value === null) return '—';
  const number = decimals === undefined ? String(Number(value.toPrecision(6))) : value.toFixed(decimals);
  return unit ? `${number} ${unit}` : number;
}
