/** The OpenAPI document, generated from the route schemas themselves. */
import type { TallyApp } from '../server-types.js';

export function registerOpenApiRoutes(app: TallyApp): void {
  app.get(
    '/api/openapi.json',
    { config: { minRole: 'viewer' }, schema: { hide: true } },
    async () => app.swagger(),
  );
}
