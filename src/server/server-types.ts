/**
 * What the HTTP server is built from and the request fields it adds. Route plugins written
 * elsewhere (alarms, trends, metrics) rely on these declarations: every route states its
 * `config.minRole`, and `request.actor` / `request.audited` are there for them to use.
 */
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyPluginAsync,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger } from 'pino';
import type { Role } from '../sdk/index.js';
import type { LiveBus } from '../live/live-bus.js';
import type { Actor, ElementService } from '../runtime/element-service.js';
import type { UserDirectory } from '../security/user-directory.js';
import type { SessionStore } from '../security/session-store.js';
import type { AuditLog } from '../security/audit-log.js';
import type { SignInLimiter } from '../security/sign-in-limiter.js';
import type { AuditedChange } from './audited.js';

/** Who may call a route: anyone (`public`) or a signed-in user of at least that role. */
export type AccessLevel = 'public' | Role;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Lowest role allowed; a route without it is admin-only. */
    minRole?: AccessLevel;
    /** Names the change in the audit trail, so refused attempts are recorded too. */
    audit?: string;
  }
  interface FastifyRequest {
    /** The signed-in caller, or null on a public route called anonymously. */
    actor: Actor | null;
    /** The session behind the request when it came with the UI's cookie. */
    session: { id: string; csrfToken: string } | null;
    /** Runs `work` and records it in the audit trail as ok, refused or error. */
    audited<T>(change: AuditedChange, work: () => Promise<T>): Promise<T>;
  }
}

export interface ServerDeps {
  elements: ElementService;
  bus: LiveBus;
  users: UserDirectory;
  sessions: SessionStore;
  audit: AuditLog;
  signInLimiter: SignInLimiter;
  logger?: Logger;
}

export interface LiveOptions {
  /** How often queued changes are sent to a client, ms. */
  flushMs: number;
  /** A client whose unsent bytes exceed this is dropped (close 1013). */
  maxBufferedBytes: number;
  /** Ping interval; a client that missed the previous pong is dropped, ms. */
  heartbeatMs: number;
}

export interface ServerOptions {
  /** Further route plugins (alarms, trends, metrics); they inherit auth, errors and headers. */
  plugins?: FastifyPluginAsync[];
  /** Folder of the built web UI; served at / when it exists. */
  webDist?: string;
  /** Largest request body, bytes (default 1 MiB). */
  bodyLimit?: number;
  live?: Partial<LiveOptions>;
  /** Trust X-Forwarded-* from a reverse proxy (for https detection and client addresses). */
  trustProxy?: boolean;
}

export type TallyApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;
