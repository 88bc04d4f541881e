/**
 * Tally's Prometheus metrics on a registry of their own: element states, poll durations and
 * lateness, device request outcomes, queue depth, store flush latency, active alarms by
 * severity and, optionally, the latest value of every trended parameter and cell. Counts that
 * already live elsewhere (states, alarms, trended values) are read at scrape time, not mirrored.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ALARM_SEVERITIES, type AlarmSeverity } from '../sdk/index.js';
import type { ElementState } from '../store/types.js';
import { BoundHistogram, type HistogramSeries } from './bound-histogram.js';
import type { RuntimeMetrics } from './runtime-metrics.js';

export interface MetricsSources {
  /** Every element with its connector and state (the element service's `list`). */
  elements?: () => Iterable<{ connector: string; state: ElementState }>;
  /** Active alarm counts (the alarm engine's `activeCounts`). */
  activeAlarms?: () => Map<AlarmSeverity, number>;
  /** Latest trended values (the trend engine's `latestValues`); exported only when given. */
  trendedValues?: () => Iterable<{ elementId: string; paramId: string; rowKey: string; value: number }>;
  /** Bytes of the stream viewers' kept headers and bodies: pages lent to records, and slabs held (`detailPageUsage`). */
  streamDetails?: () => { inUse: number; held: number };
}

export interface PrometheusMetricsOptions {
  /** Node.js process metrics (CPU, memory, event loop lag) too. Default true. */
  processMetrics?: boolean;
}

const SECONDS = 1000;

export class PrometheusMetrics implements RuntimeMetrics {
  readonly registry = new Registry();
  // The three observed on every poll or request: no label object built or hashed per observation.
  private readonly pollDuration: BoundHistogram<'connector' | 'group' | 'outcome'>;
  /** By connector, then group: the series for ok and for failed runs. */
  private readonly pollDurationSeries = new Map<string, Map<string, [ok: HistogramSeries | null, failed: HistogramSeries | null]>>();
  private readonly pollLateness: BoundHistogram<'connector'>;
  private readonly pollLatenessSeries = new Map<string, HistogramSeries>();
  /** Requests by outcome, handed to the counter at scrape time. */
  private readonly requestCounts = new Map<number | string, number>();
  private readonly queueDepth: Gauge;
  private readonly pollConcurrency: Gauge;
  private readonly flushDuration: Histogram<'writer'>;
  private readonly rowsWritten: Counter<'writer'>;

  constructor(sources: MetricsSources = {}, options: PrometheusMetricsOptions = {}) {
    const registers = [this.registry];
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.pollDuration = new BoundHistogram(
      'tally_poll_duration_seconds',
      'Duration of poll group runs',
      ['connector', 'group', 'outcome'],
      [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      this.registry,
    );
    // By connector only: a series per element would be thousands of them.
    this.pollLateness = new BoundHistogram(
      'tally_poll_lateness_seconds',
      'How late periodic poll groups start: from the due time to the start of the handler (timer delay plus waiting in the element queue and for a concurrency slot)',
      ['connector'],
      [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      this.registry,
    );
    const requestCounts = this.requestCounts;
    new Counter({
      name: 'tally_device_requests_total',
      help: 'Device HTTP requests by outcome (status code, network, timeout)',
      labelNames: ['status'],
      registers,
      collect() {
        this.reset();
        for (const [status, count] of requestCounts) this.inc({ status: String(status) }, count);
      },
    });
    this.queueDepth = new Gauge({ name: 'tally_queue_depth', help: 'Jobs waiting in all element queues', registers });
    this.pollConcurrency = new Gauge({
      name: 'tally_poll_concurrency',
      help: 'Device work (polls, operator actions) allowed at once: the configured limit, or more while polls fall behind',
      registers,
    });
    this.flushDuration = new Histogram({
      name: 'tally_store_flush_seconds',
      help: 'Duration of store write-behind flushes (one transaction each)',
      labelNames: ['writer'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers,
    });
    this.rowsWritten = new Counter({ name: 'tally_store_rows_written_total', help: 'Rows written by store flushes', labelNames: ['writer'], registers });

    this.watch(sources);
  }

  /** Adds the gauges read at scrape time (parts built after the metrics themselves). */
  watch({ elements, activeAlarms, trendedValues, streamDetails }: MetricsSources): void {
    const registers = [this.registry];
    if (streamDetails) {
      new Gauge({
        name: 'tally_stream_viewer_detail_bytes',
        help: "Memory of the stream viewers' kept headers and bodies: pages in use, and slabs held (never given back)",
        labelNames: ['kind'],
        registers,
        collect() {
          const { inUse, held } = streamDetails();
          this.set({ kind: 'in_use' }, inUse);
          this.set({ kind: 'held' }, held);
        },
      });
    }
    if (elements) {
      new Gauge({
        name: 'tally_elements',
        help: 'Elements by connector and state',
        labelNames: ['connector', 'state'],
        registers,
        collect() {
          this.reset();
          const counts = new Map<string, { connector: string; state: ElementState; count: number }>();
          for (const { connector, state } of elements()) {
            const key = `${connector}\u0000${state}`;
            const entry = counts.get(key) ?? { connector, state, count: 0 };
            entry.count++;
            counts.set(key, entry);
          }
          for (const { connector, state, count } of counts.values()) this.set({ connector, state }, count);
        },
      });
    }
    if (activeAlarms) {
      new Gauge({
        name: 'tally_active_alarms',
        help: 'Active alarms by severity',
        labelNames: ['severity'],
        registers,
        collect() {
          const counts = activeAlarms();
          for (const severity of ALARM_SEVERITIES) if (severity !== 'normal') this.set({ severity }, counts.get(severity) ?? 0);
        },
      });
    }
    if (trendedValues) {
      new Gauge({
        name: 'tally_trend_value',
        help: 'Latest value of each trended parameter or cell',
        labelNames: ['element', 'parameter', 'row'],
        registers,
        collect() {
          this.reset();
          for (const { elementId, paramId, rowKey, value } of trendedValues()) this.set({ element: elementId, parameter: paramId, row: rowKey }, value);
        },
      });
    }
  }

  observePoll(connectorId: string, groupId: string, durationMs: number, ok: boolean): void {
    let groups = this.pollDurationSeries.get(connectorId);
    if (!groups) {
      groups = new Map();
      this.pollDurationSeries.set(connectorId, groups);
    }
    let outcomes = groups.get(groupId);
    if (!outcomes) {
      outcomes = [null, null];
      groups.set(groupId, outcomes);
    }
    // Made on the first run with that outcome, so a group that never failed shows no failed series.
    const at = ok ? 0 : 1;
    outcomes[at] ??= this.pollDuration.seriesOf({ connector: connectorId, group: groupId, outcome: ok ? 'ok' : 'failed' });
    outcomes[at].observe(durationMs / SECONDS);
  }

  observePollLateness(connectorId: string, latenessMs: number): void {
    let series = this.pollLatenessSeries.get(connectorId);
    if (!series) {
      series = this.pollLateness.seriesOf({ connector: connectorId });
      this.pollLatenessSeries.set(connectorId, series);
    }
    series.observe(latenessMs / SECONDS);
  }

  observeRequest(outcome: number | 'network' | 'timeout'): void {
    this.requestCounts.set(outcome, (this.requestCounts.get(outcome) ?? 0) + 1);
  }

  setQueueDepth(depth: number): void {
    this.queueDepth.set(depth);
  }

  setPollConcurrency(limit: number): void {
    this.pollConcurrency.set(limit);
  }

  observeStoreFlush(writer: string, durationMs: number, rows: number): void {
    this.flushDuration.observe({ writer }, durationMs / SECONDS);
    this.rowsWritten.inc({ writer }, rows);
  }

  /** The exposition text for a scrape. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
