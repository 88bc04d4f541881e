/**
 * Opening the embedded SQLite database and running migrations. Each part of Tally that keeps
 * tables (core store, security, alarms, trends) owns a migration namespace, so the parts
 * evolve their schemas independently and every start brings an old file up to date.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type SqliteDatabase = Database.Database;

/** Opens (creating if needed) the database at `path`, or an in-memory one for ':memory:'. */
export function openSqlite(path: string): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // NORMAL under WAL keeps committed transactions across a process crash (kill -9);
  // only a power loss can take the last ones.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

/** One schema step. Steps of a namespace run in array order, each exactly once. */
export interface Migration {
  /** Short description, kept in the migrations table. */
  name: string;
  up(db: SqliteDatabase): void;
}

/** Runs the namespace's steps not yet applied, each in its own transaction. */
export function runMigrations(db: SqliteDatabase, namespace: string, migrations: readonly Migration[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    namespace TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL,
    PRIMARY KEY (namespace, version))`);
  const row = db
    .prepare('SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations WHERE namespace = ?')
    .get(namespace) as { version: number };
  const record = db.prepare('INSERT INTO schema_migrations (namespace, version, name, applied_at) VALUES (?, ?, ?, ?)');
  migrations.forEach((migration, index) => {
    const version = index + 1;
    if (version <= row.version) return;
    db.transaction(() => {
      migration.up(db);
      record.run(namespace, version, migration.name, Date.now());
    })();
  });
}
