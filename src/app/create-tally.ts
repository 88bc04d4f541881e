/**
 * The composition root: wires the store, the secret box, the connectors, the live bus, the
 * element runtime, the security parts and the HTTP server into one running Tally. Nothing
 * else builds these parts, so this file is the map of how they depend on each other.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import pino, { type Logger } from 'pino';
import { LiveBus } from '../live/live-bus.js';
import { PrometheusMetrics } from '../metrics/prometheus-metrics.js';
import { ConnectorRegistry, DEFAULT_CONNECTORS_DIR } from '../runtime/connector-registry.js';
import { detailPageUsage } from '../runtime/detail-ring.js';
import { ElementManager } from '../runtime/element-manager.js';
import { AuditLog } from '../security/audit-log.js';
import { generateApiToken } from '../security/random-token.js';
import { SecretBox } from '../security/secret-box.js';
import { SessionStore } from '../security/session-store.js';
import { SignInLimiter } from '../security/sign-in-limiter.js';
import { ADMIN_TOKEN_NAME, ADMIN_USERNAME, UserDirectory } from '../security/user-directory.js';
import { buildServer } from '../server/build-server.js';
import type { ServerOptions, TallyApp } from '../server/server-types.js';
import { SqliteStore } from '../store/sqlite-store.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8080;
export const DATABASE_FILE = 'tally.db';

/** The parts an extension (alarms, trends, metrics) is built from. */
export interface TallyParts {
  dataDir: string;
  store: SqliteStore;
  bus: LiveBus;
  registry: ConnectorRegistry;
  elements: ElementManager;
  audit: AuditLog;
  /** Seals secrets at rest under Tally's key (TALLY_SECRET_KEY or the data directory's key file). */
  secrets: SecretBox;
  /** Where the runtime reports poll, request, queue and store figures (`/metrics`). */
  metrics: PrometheusMetrics;
  logger: Logger;
}

/** Something added to Tally: route plugins, and what must run at start and stop. */
export interface TallyExtension {
  plugins?: FastifyPluginAsync[];
  start?(): Promise<void> | void;
  stop?(): Promise<void> | void;
}

export interface TallyOptions {
  /** Where the database and the key file live (created when absent). */
  dataDir: string;
  /** Address to listen on; loopback unless told otherwise. */
  host?: string;
  /** Port to listen on; 0 picks a free one. */
  port?: number;
  /** Creates or confirms this admin API token; a fresh one is generated when absent. */
  adminToken?: string;
  logger?: Logger;
  connectorsDir?: string;
  /** Route plugins that need nothing but the server. */
  plugins?: FastifyPluginAsync[];
  /** Parts built from Tally's own parts (alarm engine, trends, metrics). */
  extensions?: ((parts: TallyParts) => TallyExtension | Promise<TallyExtension>)[];
  server?: Pick<ServerOptions, 'webDist' | 'live' | 'trustProxy' | 'bodyLimit'>;
  env?: NodeJS.ProcessEnv;
  /** Worker threads for the HTTP exchanges with devices; 0 (the default here) keeps them on the event loop. */
  httpThreads?: number;
  /** Items of device work running at once across all elements (the element manager's default when absent). */
  pollConcurrency?: number;
}

export interface Tally {
  server: TallyApp;
  elements: ElementManager;
  store: SqliteStore;
  bus: LiveBus;
  users: UserDirectory;
  audit: AuditLog;
  registry: ConnectorRegistry;
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  /** The admin token given, or the one generated for this start. */
  adminToken: string;
  /** Whether `adminToken` was generated (and so must be shown to the person starting Tally). */
  adminTokenGenerated: boolean;
  /** Stops polling, flushes pending writes, closes the server and the store. */
  close(): Promise<void>;
}

export async function createTally(options: TallyOptions): Promise<Tally> {
  const logger = options.logger ?? pino({ level: 'silent' });
  mkdirSync(options.dataDir, { recursive: true });
  const store = SqliteStore.open(join(options.dataDir, DATABASE_FILE), { writeThread: true });
  const stops: (() => Promise<void> | void)[] = [() => store.close()];
  try {
    await store.migrate();
    const secrets = SecretBox.forDataDir(options.dataDir, options.env ?? process.env);
    const registry = await ConnectorRegistry.load(options.connectorsDir ?? DEFAULT_CONNECTORS_DIR);
    const bus = new LiveBus();
    const metrics = new PrometheusMetrics({ streamDetails: detailPageUsage });
    const elements = new ElementManager({
      registry,
      store,
      bus,
      secrets,
      metrics,
      logger: logger.child({ part: 'runtime' }),
      httpThreads: options.httpThreads,
      concurrency: options.pollConcurrency,
    });
    const users = new UserDirectory(store.db);
    const sessions = new SessionStore(store.db);
    const audit = new AuditLog(store.db, store.statementWriter);
    const admin = ensureAdminToken(users, options.adminToken);

    const parts: TallyParts = { dataDir: options.dataDir, store, bus, registry, elements, audit, secrets, metrics, logger };
    const extensions: TallyExtension[] = [];
    for (const extend of options.extensions ?? []) extensions.push(await extend(parts));

    await elements.start();
    stops.unshift(() => elements.stop());
    for (const extension of extensions) {
      await extension.start?.();
      if (extension.stop) stops.unshift(() => extension.stop?.());
    }

    const server = await buildServer(
      { elements, bus, users, sessions, audit, signInLimiter: new SignInLimiter(), logger: logger.child({ part: 'http' }) },
      { ...options.server, plugins: [...(options.plugins ?? []), ...extensions.flatMap((extension) => extension.plugins ?? [])] },
    );
    stops.unshift(() => server.close());
    const host = options.host ?? DEFAULT_HOST;
    await server.listen({ host, port: options.port ?? DEFAULT_PORT });

    let closing: Promise<void> | undefined;
    return {
      server,
      elements,
      store,
      bus,
      users,
      audit,
      registry,
      url: baseUrl(host, server),
      adminToken: admin.token,
      adminTokenGenerated: admin.generated,
      close: () => (closing ??= runInOrder(stops)),
    };
  } catch (error) {
    await runInOrder(stops);
    throw error;
  }
}

/**
 * Makes the admin token work. Without one given, a fresh token is generated for this start
 * and the one generated for the previous start is retired, so exactly one is ever valid.
 */
function ensureAdminToken(users: UserDirectory, given: string | undefined): { token: string; generated: boolean } {
  if (given !== undefined) {
    users.ensureAdminToken(given);
    return { token: given, generated: false };
  }
  const token = generateApiToken();
  const created = users.ensureAdminToken(token);
  for (const previous of users.listTokens(ADMIN_USERNAME)) {
    if (previous.name === ADMIN_TOKEN_NAME && previous.id !== created.id) users.revokeToken(ADMIN_USERNAME, previous.id);
  }
  return { token, generated: true };
}

function baseUrl(host: string, server: TallyApp): string {
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : DEFAULT_PORT;
  const shownHost = host === '0.0.0.0' || host === '::' ? DEFAULT_HOST : host;
  return `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
}

/** Runs every step even when one fails, then reports the first failure. */
async function runInOrder(steps: (() => Promise<void> | void)[]): Promise<void> {
  let failure: unknown;
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure) throw failure;
}
