/** The audit trail (admin only), newest first. */
import { errorResponses } from '../schemas/common-schemas.js';
import { AuditListSchema, AuditQuerySchema } from '../schemas/user-schemas.js';
import type { ServerDeps, TallyApp } from '../server-types.js';

export function registerAuditRoutes(app: TallyApp, { audit }: ServerDeps): void {
  app.get(
    '/api/audit',
    {
      config: { minRole: 'admin' },
      schema: {
        tags: ['audit'],
        summary: 'Who did what, from where, on which element, with which result',
        querystring: AuditQuerySchema,
        response: { 200: AuditListSchema, ...errorResponses },
      },
    },
    async (request) => ({ records: audit.query(request.query) }),
  );
}
