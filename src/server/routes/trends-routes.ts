/** Trends: the real-time points and rollups of an element's trended parameters and cells. */
import type { FastifyPluginAsync } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { TrendEngine } from '../../trends/trend-engine.js';
import { ElementParams, Id, TimeQuery, errorResponses } from '../schemas/common-schemas.js';

const RawPoint = Type.Object({ t: Type.Integer({ description: 'epoch ms' }), v: Type.Number() });
const RollupPoint = Type.Object({
  t: Type.Integer({ description: 'bucket start, epoch ms' }),
  avg: Type.Number(),
  min: Type.Number(),
  max: Type.Number(),
  count: Type.Integer(),
});
const Window = Type.Union([Type.Literal('raw'), Type.Literal('5m'), Type.Literal('1h'), Type.Literal('1d')]);

export function trendRoutes({ trends }: { trends: TrendEngine }): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['trends'];

    app.get(
      '/api/elements/:id/trends',
      {
        config: { minRole: 'viewer' },
        schema: {
          tags,
          summary: 'The element’s trended parameters, and "<tableId>.<columnId>" for trended columns',
          params: ElementParams,
          response: { 200: Type.Object({ trended: Type.Array(Type.String()) }), ...errorResponses },
        },
      },
      async (request) => ({ trended: trends.trendedIds(request.params.id) }),
    );

    app.get(
      '/api/elements/:id/trends/:paramId',
      {
        config: { minRole: 'viewer' },
        schema: {
          tags,
          summary: 'Trend points: raw {t, v} or averaged {t, avg, min, max, count}, oldest first (at most 10000, the newest)',
          description: 'paramId is a parameter id, or "<tableId>.<columnId>" with row = the row key. window defaults to auto.',
          params: Type.Object({ id: Id, paramId: Id }),
          querystring: Type.Object(
            {
              row: Type.Optional(Type.String({ maxLength: 500 })),
              from: Type.Optional(TimeQuery),
              to: Type.Optional(TimeQuery),
              window: Type.Optional(Type.Union([Window, Type.Literal('auto')])),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              elementId: Type.String(),
              paramId: Type.String(),
              row: Type.Union([Type.String(), Type.Null()]),
              window: Window,
              points: Type.Union([Type.Array(RawPoint), Type.Array(RollupPoint)]),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const { id, paramId } = request.params;
        const { row, from, to, window } = request.query;
        const result = await trends.query(id, paramId, { row, from, to, window });
        return { elementId: id, paramId, row: row ?? null, ...result };
      },
    );
  };
}
