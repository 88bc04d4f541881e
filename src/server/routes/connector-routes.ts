/** Installed connectors, as data a client can build forms and pages from. */
import { errorResponses } from '../schemas/common-schemas.js';
import { ConnectorListSchema, describeConnector } from '../schemas/connector-schemas.js';
import type { ServerDeps, TallyApp } from '../server-types.js';

export function registerConnectorRoutes(app: TallyApp, { elements }: ServerDeps): void {
  app.get(
    '/api/connectors',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['connectors'],
        summary: 'Installed connectors: connection defaults, parameters, tables, pages, actions',
        response: { 200: ConnectorListSchema, ...errorResponses },
      },
    },
    async () => ({ connectors: elements.connectors().map(describeConnector) }),
  );
}
