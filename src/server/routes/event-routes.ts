/** Information events of an element: parameter sets, state changes, actions, with user and time. */
import { ElementParams, errorResponses } from '../schemas/common-schemas.js';
import { EventListSchema, EventQuerySchema } from '../schemas/value-schemas.js';
import type { ServerDeps, TallyApp } from '../server-types.js';

export function registerEventRoutes(app: TallyApp, { elements }: ServerDeps): void {
  app.get(
    '/api/elements/:id/events',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['elements'],
        summary: 'Information events, newest first',
        params: ElementParams,
        querystring: EventQuerySchema,
        response: { 200: EventListSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params;
      elements.get(id); // an unknown element is a 404, not an empty history
      return { events: await elements.events({ ...request.query, elementId: id }) };
    },
  );
}
