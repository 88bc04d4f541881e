/**
 * The HTTP server: Fastify with schema-first routes (one TypeBox schema validates the
 * request, shapes the answer and documents both in /api/openapi.json), role checks on
 * every route, coded JSON errors, security headers, the live WebSocket and the web UI.
 */
import fastifyCookie from '@fastify/cookie';
import fastifySwagger, { type FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { installAccessControl } from './access-control.js';
import { installAudited } from './audited.js';
import { installErrorReplies, notFoundReply, replyWithError } from './error-reply.js';
import { installJsonBodyParser } from './json-body-parser.js';
import { DEFAULT_LIVE_OPTIONS, LiveHub } from './live/live-hub.js';
import { registerActionRoutes } from './routes/action-routes.js';
import { registerAuditRoutes } from './routes/audit-routes.js';
import { registerConnectorRoutes } from './routes/connector-routes.js';
import { registerElementRoutes } from './routes/element-routes.js';
import { registerEventRoutes } from './routes/event-routes.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { registerLiveRoutes } from './routes/live-routes.js';
import { registerOpenApiRoutes } from './routes/openapi-routes.js';
import { registerParamRoutes } from './routes/param-routes.js';
import { registerSessionRoutes } from './routes/session-routes.js';
import { registerStreamRoutes } from './routes/stream-routes.js';
import { registerTableRoutes } from './routes/table-routes.js';
import { registerTokenRoutes } from './routes/token-routes.js';
import { registerUserRoutes } from './routes/user-routes.js';
import { SESSION_COOKIE } from './session-cookie.js';
import { installSecurityHeaders } from './security-headers.js';
import type { ServerDeps, ServerOptions, TallyApp } from './server-types.js';
import { DEFAULT_WEB_DIST, registerStaticUi } from './static-ui.js';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
/** Largest frame a live client may send (subscriptions are small). */
const MAX_LIVE_FRAME = 256 * 1024;

export async function buildServer(deps: ServerDeps, options: ServerOptions = {}): Promise<TallyApp> {
  const serverOptions: FastifyServerOptions = {
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    trustProxy: options.trustProxy ?? false,
    // A client must not choose the id that ties its requests together in the logs.
    requestIdHeader: false,
    frameworkErrors: replyWithError,
  };
  const app = Fastify(serverOptions).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(TypeBoxValidatorCompiler);

  installJsonBodyParser(app);
  installErrorReplies(app);
  installSecurityHeaders(app);
  await app.register(fastifyCookie);
  // Its hook must run before access control, so a refused upgrade's socket is closed too.
  await app.register(fastifyWebsocket, { options: { maxPayload: MAX_LIVE_FRAME } });
  installAccessControl(app, deps);
  installAudited(app, deps.audit);
  await app.register(fastifySwagger, { openapi: openApiDocument() });

  const hub = new LiveHub(deps.bus, { ...DEFAULT_LIVE_OPTIONS, ...options.live }, app.log.child({ part: 'live' }));
  // Before the HTTP server waits for its connections: open WebSockets would hold it open.
  app.addHook('preClose', async () => hub.close());

  registerHealthRoutes(app);
  registerOpenApiRoutes(app);
  registerSessionRoutes(app, deps);
  registerConnectorRoutes(app, deps);
  registerElementRoutes(app, deps);
  registerParamRoutes(app, deps);
  registerTableRoutes(app, deps);
  registerActionRoutes(app, deps);
  registerStreamRoutes(app, deps);
  registerEventRoutes(app, deps);
  registerAuditRoutes(app, deps);
  registerUserRoutes(app, deps);
  registerTokenRoutes(app, deps);
  registerLiveRoutes(app, hub, deps);
  for (const plugin of options.plugins ?? []) await app.register(plugin);

  const ui = await registerStaticUi(app, options.webDist ?? DEFAULT_WEB_DIST);
  app.setNotFoundHandler((request, reply) => {
    if (ui?.fallback(request, reply)) return;
    const error = notFoundReply(request.method, request.url);
    reply.code(error.status).send(error.toJSON());
  });
  return app;
}

function openApiDocument(): FastifyDynamicSwaggerOptions['openapi'] {
  return {
    openapi: '3.0.3',
    info: {
      title: 'Tally',
      description: 'Monitor and control broadcast devices. Errors are {"error": {"code", "message", "field"}}.',
      version: '1',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
      },
    },
    security: [{ bearer: [] }, { session: [] }],
  };
}
