/** The stream viewer: an element's recent device requests and responses, secrets masked. */
import { ElementParams, errorResponses } from '../schemas/common-schemas.js';
import { StreamSchema } from '../schemas/value-schemas.js';
import type { ServerDeps, TallyApp } from '../server-types.js';

export function registerStreamRoutes(app: TallyApp, { elements }: ServerDeps): void {
  app.get(
    '/api/elements/:id/stream',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['elements'],
        summary: 'Recent requests and responses (bounded, bodies truncated, secrets masked)',
        params: ElementParams,
        response: { 200: StreamSchema, ...errorResponses },
      },
    },
    async (request) => ({ entries: elements.stream(request.params.id) }),
  );
}
