/**
 * Writes of single statements (element configuration, the audit trail, alarms) sent where
 * the store's value writes go. SQLite lets one writer in at a time: a write on the main connection
 * while the write thread commits a batch of thousands of rows would wait for it inside the
 * event loop (measured: ~50 ms per audit record under sustained value writes). Sent through
 * the write thread, the write waits in its queue instead, and the event loop goes on.
 */
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './sqlite-database.js';

/** One write statement with its parameters: positional (`?`) or named (`@name`). */
export interface SqlWrite {
  sql: string;
  params: unknown[] | Record<string, unknown>;
}

export interface SqlWriteResult {
  changes: number;
  lastInsertRowid: number;
}

/** Runs write statements in one transaction; settles once it has committed (or failed, writing nothing). */
export interface StatementWriter {
  run(writes: SqlWrite[]): Promise<SqlWriteResult[]>;
}

/** Runs the writes on `db` in one transaction, preparing each distinct statement once. */
export function statementRunner(db: SqliteDatabase): (writes: SqlWrite[]) => SqlWriteResult[] {
  // The SQL texts are the few constants of the modules that write: the cache stays small.
  const prepared = new Map<string, Statement>();
  const statement = (sql: string): Statement => {
    let found = prepared.get(sql);
    if (!found) prepared.set(sql, (found = db.prepare(sql)));
    return found;
  };
  return db.transaction((writes: SqlWrite[]) =>
    writes.map(({ sql, params }) => {
      const { changes, lastInsertRowid } = Array.isArray(params) ? statement(sql).run(...params) : statement(sql).run(params);
      return { changes, lastInsertRowid: Number(lastInsertRowid) };
    }),
  );
}

/** Writes on the caller's own connection, at once: for a store without a write thread (the CLI, tests). */
export function directStatementWriter(db: SqliteDatabase): StatementWriter {
  const run = statementRunner(db);
  return { run: async (writes) => run(writes) };
}
