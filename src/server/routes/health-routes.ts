/** Liveness, open to anyone (load balancers, monitoring). */
import { Type } from '@fastify/type-provider-typebox';
import type { TallyApp } from '../server-types.js';

export function registerHealthRoutes(app: TallyApp): void {
  app.get(
    '/api/health',
    {
      config: { minRole: 'public' },
      schema: { tags: ['system'], summary: 'Tally is up', security: [], response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
    },
    async () => ({ status: 'ok' as const }),
  );
}
