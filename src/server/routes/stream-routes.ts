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
        description:
          'The last 100 exchanges; the newest five with headers and bodies if they failed, or if the viewer was read in the five minutes before they started: reading it keeps the details of what follows.',
        params: ElementParams,
        response: { 200: StreamSchema, ...errorResponses },
      },
    },
    async (request) => ({ entries: elements.stream(request.params.id) }),
  );
}
