/**
 * Enforces every route's `config.minRole` on the server: who is calling (a bearer token or
 * the UI's session cookie), whether their role reaches the route's, and, for the cookie,
 * that a state-changing request carries the session's CSRF token. A route that forgets to
 * declare its role is admin-only rather than open.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../runtime/element-service.js';
import { TallyError } from '../errors.js';
import { recordAudit } from './audited.js';
import { roleAllows } from './roles.js';
import { SESSION_COOKIE } from './session-cookie.js';
import type { ServerDeps } from './server-types.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const BEARER = /^Bearer\s+(\S+)\s*$/i;

export function installAccessControl(app: FastifyInstance, deps: ServerDeps): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('session', null);

  app.addHook('onRequest', async (request) => {
    // No route matched: the not-found handler (or the UI's fallback page) answers.
    if (request.routeOptions.url === undefined) return;
    const needed = request.routeOptions.config.minRole ?? 'admin';
    const identity = identify(request.headers.authorization, request.cookies[SESSION_COOKIE], request.ip, deps);
    if (identity && identity !== 'rejected') {
      request.actor = identity.actor;
      request.session = identity.session;
    }
    if (needed === 'public') return;
    if (!request.actor) {
      throw new TallyError(
        'UNAUTHORIZED',
        identity === 'rejected' ? 'the token or session is not valid (expired, revoked or unknown)' : 'sign in or send Authorization: Bearer <token>',
      );
    }
    if (!roleAllows(request.actor.role, needed)) {
      await refuse(request, deps, `needs the ${needed} role; ${request.actor.user} is ${request.actor.role}`);
    }
    if (request.session && !SAFE_METHODS.has(request.method) && !csrfTokenMatches(request)) {
      await refuse(request, deps, 'the x-csrf-token header is missing or does not match the session');
    }
  });
}

interface Identity {
  actor: Actor;
  session: { id: string; csrfToken: string } | null;
}

/** Who the credentials name; 'rejected' when some were sent but are not valid, null when none were. */
function identify(authorization: string | undefined, sessionId: string | undefined, address: string, deps: ServerDeps): Identity | 'rejected' | null {
  if (authorization !== undefined) {
    const token = BEARER.exec(authorization)?.[1];
    const found = token ? deps.users.authenticateToken(token) : null;
    if (!found) return 'rejected';
    return { actor: { user: found.user.username, role: found.user.role, address }, session: null };
  }
  if (!sessionId) return null;
  const session = deps.sessions.get(sessionId);
  const user = session ? deps.users.getUser(session.username) : null;
  if (!session || !user) return 'rejected';
  return { actor: { user: user.username, role: user.role, address }, session: { id: sessionId, csrfToken: session.csrfToken } };
}

/**
 * For long-lived connections (the live WebSocket): whether the credentials the request came
 * with still hold, so a sign-out, a revoked token or a removed user ends the connection too.
 */
export function credentialsStillValid(request: FastifyRequest, deps: ServerDeps): () => boolean {
  const authorization = request.headers.authorization;
  const sessionId = request.cookies[SESSION_COOKIE];
  return () => {
    const identity = identify(authorization, sessionId, request.ip, deps);
    return identity !== null && identity !== 'rejected';
  };
}

function csrfTokenMatches(request: FastifyRequest): boolean {
  const sent = request.headers['x-csrf-token'];
  if (typeof sent !== 'string' || !request.session) return false;
  const expected = Buffer.from(request.session.csrfToken);
  const given = Buffer.from(sent);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Answers 403, leaving a trace in the audit trail when the route changes something. */
async function refuse(request: FastifyRequest, deps: ServerDeps, message: string): Promise<never> {
  const action = request.routeOptions.config.audit;
  if (action) {
    const params = request.params as Record<string, string | undefined>;
    const target = params.paramId ?? params.actionId ?? params.username;
    await recordAudit(deps.audit, request, { action, elementId: params.id, target }, 'refused', message);
  }
  throw new TallyError('FORBIDDEN', message);
}
