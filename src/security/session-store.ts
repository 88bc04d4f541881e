/**
 * Browser sessions behind the UI's httpOnly cookie. The cookie carries a random id; only its
 * SHA-256 hash is stored, so a copy of the database does not sign anyone in. Each session
 * has a CSRF token the UI sends back on state-changing requests, and a fixed expiry.
 */
import type { SqliteDatabase } from '../store/sqlite-database.js';
import { randomToken, sha256Hex } from './random-token.js';
import { migrateSecurity } from './security-schema.js';

export interface SessionStoreOptions {
  /** How long a session lasts after sign-in, ms (default 12 hours). */
  ttlMs?: number;
}

export interface NewSession {
  /** The cookie value; known only to the browser after this call. */
  id: string;
  csrfToken: string;
  expiresAt: number;
}

export interface SessionInfo {
  username: string;
  csrfToken: string;
  expiresAt: number;
}

const DEFAULT_TTL_MS = 12 * 60 * 60 * 1000;
const MAX_ID_LENGTH = 256;

export class SessionStore {
  readonly ttlMs: number;
  private readonly statements: ReturnType<typeof prepareStatements>;

  constructor(db: SqliteDatabase, options: SessionStoreOptions = {}) {
    migrateSecurity(db);
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.statements = prepareStatements(db);
  }

  /** Starts a session for a signed-in user (and clears out expired ones). */
  create(username: string): NewSession {
    const now = Date.now();
    this.statements.deleteExpired.run(now);
    const session: NewSession = { id: randomToken(), csrfToken: randomToken(), expiresAt: now + this.ttlMs };
    this.statements.insert.run(sha256Hex(session.id), username, session.csrfToken, now, session.expiresAt);
    return session;
  }

  /** The live session with this id, or null (an expired one is removed). */
  get(id: string): SessionInfo | null {
    if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) return null;
    const idHash = sha256Hex(id);
    const row = this.statements.get.get(idHash) as { username: string; csrf_token: string; expires_at: number } | undefined;
    if (!row) return null;
    if (row.expires_at <= Date.now()) {
      this.statements.delete.run(idHash);
      return null;
    }
    return { username: row.username, csrfToken: row.csrf_token, expiresAt: row.expires_at };
  }

  destroy(id: string): void {
    if (typeof id === 'string') this.statements.delete.run(sha256Hex(id));
  }

  destroyForUser(username: string): void {
    this.statements.deleteForUser.run(username);
  }
}

function prepareStatements(db: SqliteDatabase) {
  return {
    insert: db.prepare('INSERT INTO sessions (id_hash, username, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
    get: db.prepare('SELECT username, csrf_token, expires_at FROM sessions WHERE id_hash = ?'),
    delete: db.prepare('DELETE FROM sessions WHERE id_hash = ?'),
    deleteForUser: db.prepare('DELETE FROM sessions WHERE username = ?'),
    deleteExpired: db.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
  };
}
