/**
 * The UI's sign-in: a password (or an API token) buys an httpOnly session cookie and a CSRF
 * token. Attempts are rate-limited per user and address, and every one is audited.
 */
import { TallyError } from '../../errors.js';
import type { UserView } from '../../security/user-directory.js';
import { recordAudit } from '../audited.js';
import { RetryLaterError } from '../error-reply.js';
import { actorOf } from '../request-actor.js';
import { NoContent, errorResponses } from '../schemas/common-schemas.js';
import { SessionSchema, SignInBody } from '../schemas/user-schemas.js';
import type { ServerDeps, TallyApp } from '../server-types.js';
import { clearSessionCookie, setSessionCookie } from '../session-cookie.js';

const tags = ['session'];
const SIGN_IN = 'session.sign-in';
/** Token sign-ins are limited under this name, since the token names no user. */
const TOKEN_SIGN_IN = '(token)';

export function registerSessionRoutes(app: TallyApp, { users, sessions, audit, signInLimiter }: ServerDeps): void {
  app.post(
    '/api/session',
    {
      config: { minRole: 'public', audit: SIGN_IN },
      schema: {
        tags,
        summary: 'Sign in with a username and password, or with an API token',
        security: [],
        body: SignInBody,
        response: { 200: SessionSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const credentials = readCredentials(request.body);
      const limitedAs = credentials.token !== undefined ? TOKEN_SIGN_IN : credentials.username;
      const change = { action: SIGN_IN, target: limitedAs, inputs: { method: credentials.token !== undefined ? 'token' : 'password' } };
      const verdict = signInLimiter.isBlocked(limitedAs, request.ip);
      if (verdict.blocked) {
        await recordAudit(audit, request, change, 'refused', 'too many failed attempts', limitedAs);
        throw new RetryLaterError(`too many failed sign-ins: try again in ${verdict.retryAfterSeconds} s`, verdict.retryAfterSeconds);
      }
      const user: UserView | null =
        credentials.token !== undefined
          ? (users.authenticateToken(credentials.token)?.user ?? null)
          : await users.verifyPassword(credentials.username, credentials.password);
      if (!user) {
        signInLimiter.recordFailure(limitedAs, request.ip);
        await recordAudit(audit, request, change, 'refused', 'wrong credentials', limitedAs);
        throw new TallyError('UNAUTHORIZED', credentials.token !== undefined ? 'the token is not valid' : 'wrong username or password');
      }
      signInLimiter.recordSuccess(limitedAs, request.ip);
      const session = sessions.create(user.username);
      setSessionCookie(request, reply, session.id, session.expiresAt);
      await recordAudit(audit, request, change, 'ok', undefined, user.username);
      return { username: user.username, role: user.role, csrfToken: session.csrfToken };
    },
  );

  app.get(
    '/api/session',
    {
      config: { minRole: 'viewer' },
      schema: { tags, summary: 'Who is signed in, and the CSRF token of the session', response: { 200: SessionSchema, ...errorResponses } },
    },
    async (request) => {
      const actor = actorOf(request);
      return { username: actor.user, role: actor.role, csrfToken: request.session?.csrfToken ?? null };
    },
  );

  app.delete(
    '/api/session',
    {
      config: { minRole: 'viewer', audit: 'session.sign-out' },
      schema: { tags, summary: 'Sign out', response: { 204: NoContent, ...errorResponses } },
    },
    async (request, reply) => {
      if (request.session) sessions.destroy(request.session.id);
      clearSessionCookie(request, reply);
      await recordAudit(audit, request, { action: 'session.sign-out' }, 'ok');
      return reply.code(204).send(null);
    },
  );
}

type Credentials = { token: string; username?: undefined } | { token?: undefined; username: string; password: string };

function readCredentials(body: { username?: string; password?: string; token?: string }): Credentials {
  if (body.token !== undefined) {
    if (body.username !== undefined || body.password !== undefined) {
      throw new TallyError('VALIDATION', 'send either a token, or a username and a password, not both', 'token');
    }
    return { token: body.token };
  }
  if (body.username === undefined) throw new TallyError('VALIDATION', '"username" is required', 'username');
  if (body.password === undefined) throw new TallyError('VALIDATION', '"password" is required', 'password');
  return { username: body.username, password: body.password };
}
