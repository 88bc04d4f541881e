/**
 * `GET /metrics` in the Prometheus text format. Viewer by default: the metrics name every
 * element and trended value, so a scraper authenticates like any client (Prometheus'
 * `authorization: { credentials: <token> }`). `public: true` opens it for a trusted network.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { PrometheusMetrics } from '../../metrics/prometheus-metrics.js';

export function metricsRoute({ metrics, public: open = false }: { metrics: PrometheusMetrics; public?: boolean }): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/metrics',
      { config: { minRole: open ? 'public' : 'viewer' }, schema: { tags: ['metrics'], summary: 'Prometheus metrics' } },
      async (_request, reply) => reply.type(metrics.contentType).send(await metrics.scrape()),
    );
  };
}
