/** Tables of an element: columns and rows. */
import { errorResponses } from '../schemas/common-schemas.js';
import { TablePath, TableSchema } from '../schemas/value-schemas.js';
import type { ServerDeps, TallyApp } from '../server-types.js';

export function registerTableRoutes(app: TallyApp, { elements }: ServerDeps): void {
  app.get(
    '/api/elements/:id/tables/:tableId',
    {
      config: { minRole: 'viewer' },
      schema: { tags: ['tables'], summary: 'Columns and rows of a table', params: TablePath, response: { 200: TableSchema, ...errorResponses } },
    },
    async (request) => elements.table(request.params.id, request.params.tableId),
  );
}
