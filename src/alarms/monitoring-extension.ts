/**
 * Alarms, trends, webhook notifications and metrics as one Tally extension: the composition
 * root passes `monitoringExtension()` in `createTally({ extensions })`. The engines share
 * Tally's SQLite file and live bus, and subscribe as soon as they are built — before the
 * runtime starts — so the first element states (an element already in error) are not missed.
 */
import type { TallyExtension, TallyParts } from '../app/create-tally.js';
import type { ConnectorDefinition } from '../sdk/index.js';
import type { ElementView } from '../runtime/views.js';
import { PrometheusMetrics } from '../metrics/prometheus-metrics.js';
import { TrendEngine, type TrendWindow } from '../trends/trend-engine.js';
import { alarmRoutes } from '../server/routes/alarms-routes.js';
import { trendRoutes } from '../server/routes/trends-routes.js';
import { metricsRoute } from '../server/routes/metrics-route.js';
import { AlarmEngine } from './alarm-engine.js';
import { WebhookNotifier, type Sealer } from './webhook-notifier.js';

export interface MonitoringOptions {
  /** Serve /metrics without credentials (trusted networks only). Default false: viewer. */
  publicMetrics?: boolean;
  /** Export every trended value as a gauge (one series per parameter/cell). Default false. */
  trendGauges?: boolean;
  trendRetentionDays?: Partial<Record<TrendWindow, number>>;
  alarmHistoryDays?: number;
  /** Seals webhook URLs; Tally's own secret box when absent. */
  sealer?: Sealer;
}

/** The running monitoring parts, for tests and the CLI. */
export interface Monitoring extends TallyExtension {
  alarms: AlarmEngine;
  trends: TrendEngine;
  notifier: WebhookNotifier;
  metrics: PrometheusMetrics;
}

export function monitoringExtension(options: MonitoringOptions = {}): (parts: TallyParts) => Monitoring {
  return (parts) => {
    const db = parts.store.db;
    const connectors = (id: string): ConnectorDefinition | undefined => (parts.registry.has(id) ? parts.registry.get(id) : undefined);
    const elements = (id: string): ElementView | undefined => {
      try {
        return parts.elements.get(id);
      } catch {
        return undefined;
      }
    };
    const metrics = parts.metrics;
    const alarms = new AlarmEngine({
      db,
      // On the store's write thread: a flush then never waits for the write lock in the event loop.
      writer: parts.store.statementWriter,
      bus: parts.bus,
      connectors,
      elements,
      values: parts.elements,
      historyRetentionDays: options.alarmHistoryDays,
      onFlush: (ms, rows) => metrics.observeStoreFlush('alarms', ms, rows),
      onWriteError: (error) => parts.logger.error({ err: error }, 'writing alarms failed; retrying'),
    });
    const trends = new TrendEngine({
      db,
      bus: parts.bus,
      connectors,
      elements,
      retentionDays: options.trendRetentionDays,
      // On the store's write thread: a flush then never blocks polling.
      write: (batch) => parts.store.writeTrends(batch),
      onFlush: (ms, rows) => metrics.observeStoreFlush('trends', ms, rows),
      onWriteError: (error) => parts.logger.error({ err: error }, 'writing trends failed; retrying'),
    });
    const notifier = new WebhookNotifier({
      db,
      bus: parts.bus,
      sealer: options.sealer ?? parts.secrets,
      onDeliveryFailure: (target, error) => parts.logger.warn({ webhook: target.id, url: target.url, error }, 'webhook delivery failed'),
    });
    metrics.watch({
      elements: () => parts.elements.list(),
      activeAlarms: () => alarms.activeCounts(),
      ...(options.trendGauges ? { trendedValues: () => trends.latestValues() } : {}),
    });
    alarms.start();
    trends.start();
    notifier.start();
    return {
      alarms,
      trends,
      notifier,
      metrics,
      plugins: [alarmRoutes({ alarms, notifier }), trendRoutes({ trends }), metricsRoute({ metrics, public: options.publicMetrics })],
      start() {
        alarms.clearMissingElements(parts.elements.list().map((element) => element.id));
      },
      async stop() {
        notifier.stop();
        // Before Tally closes the store (and its write thread): the last batch must be written.
        await trends.stop();
        await alarms.stop();
      },
    };
  };
}
