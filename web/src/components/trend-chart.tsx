/**
 * A trend drawn with uPlot: real-time points as dots on a thin line, rollups as the average
 * in a min/max band. The chart asks again every REFRESH_MS so the last hour keeps moving.
 * uPlot styles itself through the DOM and its stylesheet is bundled, so the CSP stays strict.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api } from '../api/api-client.js';
import { describeError } from '../api/api-error.js';
import type { TrendWindow } from '../api/types.js';
import { chartColumns, formatTrendValue, valueExtent, type ChartColumns, type TrendRange } from '../logic/trend-range.js';
import type { TrendTarget } from '../logic/trend-target.js';

const REFRESH_MS = 15_000;
const HEIGHT = 340;
const LINE = '#5aa9ff';
const BAND = 'rgba(90, 169, 255, 0.16)';
const EDGE = 'rgba(90, 169, 255, 0.45)';
const AXIS = '#8d99a8';
const GRID = '#1f2630';
/** Tick steps for whole-number values (counts): never 2.2 inputs. */
const WHOLE_INCREMENTS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 1e7, 1e8, 1e9];

interface TrendChartProps {
  elementId: string;
  target: TrendTarget;
  range: TrendRange;
  /** The value's name and unit, for the legend and the axis. */
  label: string;
  unit?: string;
  decimals?: number;
}

interface Loaded {
  window: TrendWindow;
  columns: ChartColumns;
  from: number;
  to: number;
}

export function TrendChart({ elementId, target, range, label, unit, decimals }: TrendChartProps) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState('');
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<{ plot: uPlot; window: TrendWindow } | null>(null);
  const span = useRef({ from: 0, to: 0 });

  useEffect(() => {
    let disposed = false;
    setLoaded(null);
    const load = async () => {
      const to = Date.now();
      const from = to - range.spanMs;
      try {
        const series = await api.trend(elementId, target.paramId, { row: target.row, from, to, window: range.window });
        if (disposed) return;
        setLoaded({ window: series.window, columns: chartColumns(series), from, to });
        setError('');
      } catch (failure) {
        if (!disposed) setError(describeError(failure));
      }
    };
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      disposed = true;
      clearInterval(timer);
    };
  }, [elementId, target.paramId, target.row, range.id]);

  useEffect(() => {
    const node = host.current;
    if (!node || !loaded) return;
    span.current = { from: loaded.from / 1000, to: loaded.to / 1000 };
    const current = chart.current;
    if (current && current.window === loaded.window) {
      current.plot.setData(loaded.columns as uPlot.AlignedData);
      return;
    }
    current?.plot.destroy();
    const options = chartOptions(loaded.window, node.clientWidth || 600, label, unit, decimals, () => [span.current.from, span.current.to]);
    chart.current = { plot: new uPlot(options, loaded.columns as uPlot.AlignedData, node), window: loaded.window };
  }, [loaded]);

  useEffect(() => {
    const node = host.current;
    if (!node) return;
    const observer = new ResizeObserver(() => chart.current?.plot.setSize({ width: node.clientWidth, height: HEIGHT }));
    observer.observe(node);
    return () => {
      observer.disconnect();
      chart.current?.plot.destroy();
      chart.current = null;
    };
  }, []);

  const points = loaded ? loaded.columns[0].length : 0;
  const extent = loaded ? valueExtent(loaded.columns) : null;
  const shown = (value: number) => formatTrendValue(value, decimals, unit);
  return (
    <div class="trend-chart" data-window={loaded?.window} data-points={loaded ? points : undefined}>
      <div class="trend-caption" aria-live="polite">
        {error ? (
          <span class="form-error" role="alert">
            {error}
          </span>
        ) : !loaded ? (
          <span class="muted">Loading…</span>
        ) : (
          <>
            <span>
              {points} {loaded.window === 'raw' ? 'points' : `${loaded.window} averages with min/max`}
            </span>
            {extent && (
              <span class="muted">
                min {shown(extent.min)} · max {shown(extent.max)}
              </span>
            )}
          </>
        )}
      </div>
      <div ref={host} class="trend-plot" role="img" aria-label={`Trend of ${label}, ${range.label.toLowerCase()}`} />
      {loaded && points === 0 && <p class="trend-empty muted">No points in this range yet.</p>}
    </div>
  );
}

function chartOptions(
  window: TrendWindow,
  width: number,
  label: string,
  unit: string | undefined,
  decimals: number | undefined,
  xRange: () => [number, number],
): uPlot.Options {
  const format = (value: number | null) => formatTrendValue(value, decimals, unit);
  const axis = { stroke: AXIS, grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID, width: 1 }, font: '12px system-ui, sans-serif' };
  const series: uPlot.Series[] =
    window === 'raw'
      ? // Real-time points are kept on change: the value holds until the next point, hence steps.
        [{}, { label, stroke: LINE, width: 1.5, paths: uPlot.paths.stepped?.({ align: 1 }), points: { show: true, size: 5, fill: LINE, stroke: LINE }, value: (_u, v) => format(v) }]
      : [
          {},
          { label: `${label} (avg)`, stroke: LINE, width: 2, value: (_u, v) => format(v) },
          { label: 'min', stroke: EDGE, width: 1, value: (_u, v) => format(v) },
          { label: 'max', stroke: EDGE, width: 1, value: (_u, v) => format(v) },
        ];
  return {
    width,
    height: HEIGHT,
    series,
    bands: window === 'raw' ? [] : [{ series: [3, 2], fill: BAND }],
    scales: { x: { time: true, range: xRange } },
    axes: [
      axis,
      {
        ...axis,
        size: 84,
        ...(decimals === 0 ? { incrs: WHOLE_INCREMENTS } : {}),
        values: (_u, splits) => splits.map((split) => formatTrendValue(split, decimals === 0 ? 0 : undefined, unit)),
      },
    ],
    cursor: { points: { size: 7 } },
    legend: { live: true },
  };
}
