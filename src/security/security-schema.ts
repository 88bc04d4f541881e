/**
 * The tables of the 'security' migration namespace: users, API tokens, sessions and the
 * audit trail. Every security class runs these on construction (idempotent), so they can be
 * built in any order on the shared database.
 */
import { runMigrations, type Migration, type SqliteDatabase } from '../store/sqlite-database.js';

const SECURITY_MIGRATIONS: readonly Migration[] = [
  {
    name: 'users, api tokens, sessions, append-only audit trail',
    up(db) {
      db.exec(`
        CREATE TABLE users (
          username TEXT PRIMARY KEY,
          role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
          password_hash TEXT NOT NULL,
          created_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE api_tokens (
          id TEXT PRIMARY KEY,
          username TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
          name TEXT NOT NULL,
          token_hash TEXT NOT NULL UNIQUE,
          created_at INTEGER NOT NULL,
          last_used_at INTEGER
        );
        CREATE INDEX api_tokens_by_user ON api_tokens (username);
        CREATE TABLE sessions (
          id_hash TEXT PRIMARY KEY,
          username TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
          csrf_token TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX sessions_by_user ON sessions (username);
        CREATE INDEX sessions_by_expiry ON sessions (expires_at);
        CREATE TABLE audit_log (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          time INTEGER NOT NULL,
          user TEXT,
          address TEXT,
          action TEXT NOT NULL,
          element_id TEXT,
          target TEXT,
          inputs TEXT,
          result TEXT NOT NULL CHECK (result IN ('ok', 'refused', 'error')),
          message TEXT
        );
        CREATE INDEX audit_log_by_time ON audit_log (time);
        CREATE INDEX audit_log_by_user ON audit_log (user, time);
        CREATE INDEX audit_log_by_element ON audit_log (element_id, time);
        CREATE INDEX audit_log_by_action ON audit_log (action, time);
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
          BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
          BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
      `);
    },
  },
];

export function migrateSecurity(db: SqliteDatabase): void {
  runMigrations(db, 'security', SECURITY_MIGRATIONS);
}
