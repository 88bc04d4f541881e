/**
 * The audit trail: who did what, from where, on which element or row, with which inputs
 * (secrets already redacted), with what result and when. Append-only: this class has no way
 * to change or remove a record, and triggers in the database refuse UPDATE and DELETE.
 */
import type { SqliteDatabase } from '../store/sqlite-database.js';
import { clampLimit, SqlConditions } from '../store/sql-conditions.js';
import { directStatementWriter, type StatementWriter } from '../store/statement-writer.js';
import { migrateSecurity } from './security-schema.js';

export type AuditResult = 'ok' | 'refused' | 'error';

export interface AuditEntry {
  /** Epoch ms; now when omitted. */
  time?: number;
  user: string | null;
  address: string | null;
  /** What was done, e.g. `element.create`, `param.set`, `action.run`, `signin.failure`. */
  action: string;
  elementId?: string | null;
  /** What inside the element or the platform: a parameter, action, row keys, a username. */
  target?: string | null;
  /** The request's inputs, secrets already redacted (see redactSecrets). */
  inputs?: Record<string, unknown>;
  result: AuditResult;
  message?: string;
}

export interface AuditRecord {
  id: number;
  time: number;
  user: string | null;
  address: string | null;
  action: string;
  elementId: string | null;
  target: string | null;
  inputs: Record<string, unknown> | null;
  result: AuditResult;
  message: string | null;
}

export interface AuditQuery {
  from?: number;
  to?: number;
  user?: string;
  element?: string;
  /** An exact action, or a family with a trailing `.*` (e.g. `element.*`). */
  action?: string;
  result?: AuditResult;
  /** Most records returned (default 100, at most 10,000). */
  limit?: number;
}

export const MAX_AUDIT_LIMIT = 10_000;
const DEFAULT_AUDIT_LIMIT = 100;

interface AuditRow {
  id: number;
  time: number;
  user: string | null;
  address: string | null;
  action: string;
  element_id: string | null;
  target: string | null;
  inputs: string | null;
  result: AuditResult;
  message: string | null;
}

const INSERT_SQL = `INSERT INTO audit_log (time, user, address, action, element_id, target, inputs, result, message)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export class AuditLog {
  /**
   * `writer`: where records are written; the store's (its write thread) in a running Tally,
   * this connection by default.
   */
  constructor(
    private readonly db: SqliteDatabase,
    private readonly writer: StatementWriter = directStatementWriter(db),
  ) {
    migrateSecurity(db);
  }

  /** Appends one record; settles once it is committed, with the record as stored. */
  async record(entry: AuditEntry): Promise<AuditRecord> {
    const time = entry.time ?? Date.now();
    const inputs = entry.inputs === undefined ? null : JSON.stringify(entry.inputs);
    const params = [
      time,
      entry.user,
      entry.address,
      entry.action,
      entry.elementId ?? null,
      entry.target ?? null,
      inputs,
      entry.result,
      entry.message ?? null,
    ];
    const [{ lastInsertRowid }] = await this.writer.run([{ sql: INSERT_SQL, params }]);
    return {
      id: lastInsertRowid,
      time,
      user: entry.user,
      address: entry.address,
      action: entry.action,
      elementId: entry.elementId ?? null,
      target: entry.target ?? null,
      inputs: entry.inputs ?? null,
      result: entry.result,
      message: entry.message ?? null,
    };
  }

  /** Records matching every given filter, newest first. */
  query(query: AuditQuery = {}): AuditRecord[] {
    const conditions = new SqlConditions()
      .add('time >= ?', query.from)
      .add('time <= ?', query.to)
      .add('user = ?', query.user)
      .add('element_id = ?', query.element)
      .add('result = ?', query.result);
    if (query.action?.endsWith('.*')) {
      const family = query.action.slice(0, -1);
      conditions.add('substr(action, 1, ?) = ?', family.length, family);
    } else conditions.add('action = ?', query.action);
    const sql = `SELECT id, time, user, address, action, element_id, target, inputs, result, message FROM audit_log${conditions.where}
      ORDER BY time DESC, id DESC LIMIT ?`;
    const limit = clampLimit(query.limit, DEFAULT_AUDIT_LIMIT, MAX_AUDIT_LIMIT);
    return (this.db.prepare(sql).all(...conditions.args, limit) as AuditRow[]).map(toRecord);
  }
}

function toRecord(row: AuditRow): AuditRecord {
  return {
    id: row.id,
    time: row.time,
    user: row.user,
    address: row.address,
    action: row.action,
    elementId: row.element_id,
    target: row.target,
    inputs: row.inputs === null ? null : (JSON.parse(row.inputs) as Record<string, unknown>),
    result: row.result,
    message: row.message,
  };
}
