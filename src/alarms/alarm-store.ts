/**
 * The alarm tables in Tally's SQLite file (migration namespace `alarms`): every alarm with
 * its latest state, the steps of its life, and per-element template overrides. Alarm and
 * history writes are batched and go through the store's writer (its write thread in a running
 * Tally); template writes are rare admin actions and go straight in.
 */
import type { AlarmSeverity, AlarmTemplate, Value } from '../sdk/index.js';
import { runMigrations, type Migration, type SqliteDatabase } from '../store/sqlite-database.js';
import { directStatementWriter, type StatementWriter } from '../store/statement-writer.js';
import { WritesInTurn } from '../store/writes-in-turn.js';
import type { Alarm, AlarmChange } from './alarm.js';

const MIGRATIONS: readonly Migration[] = [
  {
    name: 'alarms, alarm history and template overrides',
    up(db) {
      db.exec(`
        CREATE TABLE alarms (
          id INTEGER PRIMARY KEY, element_id TEXT NOT NULL, element_name TEXT NOT NULL, rule_id TEXT NOT NULL,
          param_id TEXT, table_id TEXT, row_key TEXT, display_key TEXT, severity TEXT NOT NULL, value TEXT NOT NULL,
          message TEXT NOT NULL, raised_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, cleared_at INTEGER,
          acknowledged INTEGER NOT NULL, ack_comment TEXT, ack_user TEXT, ack_at INTEGER);
        CREATE INDEX alarms_active ON alarms (cleared_at) WHERE cleared_at IS NULL;
        CREATE INDEX alarms_raised ON alarms (raised_at);
        CREATE INDEX alarms_element ON alarms (element_id, raised_at);
        CREATE TABLE alarm_changes (
          alarm_id INTEGER NOT NULL, time INTEGER NOT NULL, change TEXT NOT NULL, severity TEXT NOT NULL,
          value TEXT NOT NULL, message TEXT NOT NULL, user TEXT, comment TEXT);
        CREATE INDEX alarm_changes_alarm ON alarm_changes (alarm_id, time);
        CREATE TABLE alarm_templates (
          element_id TEXT PRIMARY KEY, template TEXT NOT NULL, updated_at INTEGER NOT NULL, updated_by TEXT);`);
    },
  },
];

const UPSERT_ALARM_SQL = `INSERT INTO alarms VALUES (@id, @elementId, @elementName, @ruleId, @paramId, @tableId, @rowKey,
    @displayKey, @severity, @value, @message, @raisedAt, @updatedAt, @clearedAt, @acknowledged, @ackComment, @ackUser, @ackAt)
  ON CONFLICT (id) DO UPDATE SET element_name = excluded.element_name, display_key = excluded.display_key,
    severity = excluded.severity, value = excluded.value, message = excluded.message, updated_at = excluded.updated_at,
    cleared_at = excluded.cleared_at, acknowledged = excluded.acknowledged, ack_comment = excluded.ack_comment,
    ack_user = excluded.ack_user, ack_at = excluded.ack_at`;
const INSERT_CHANGE_SQL = 'INSERT INTO alarm_changes VALUES (@alarmId, @time, @change, @severity, @value, @message, @user, @comment)';
const PRUNE_CHANGES_SQL = 'DELETE FROM alarm_changes WHERE alarm_id IN (SELECT id FROM alarms WHERE cleared_at < ?)';
const PRUNE_ALARMS_SQL = 'DELETE FROM alarms WHERE cleared_at < ?';

interface AlarmRow {
  id: number;
  element_id: string;
  element_name: string;
  rule_id: string;
  param_id: string | null;
  table_id: string | null;
  row_key: string | null;
  display_key: string | null;
  severity: string;
  value: string;
  message: string;
  raised_at: number;
  updated_at: number;
  cleared_at: number | null;
  acknowledged: number;
  ack_comment: string | null;
  ack_user: string | null;
  ack_at: number | null;
}

export interface AlarmQuery {
  state?: 'active' | 'all';
  elementId?: string;
  /** Only these severities. */
  severities?: AlarmSeverity[];
  /** Raised at or after / at or before (epoch ms). */
  from?: number;
  to?: number;
  limit?: number;
}

export class AlarmStore {
  private readonly dirty = new Map<number, Alarm>();
  private changes: AlarmChange[] = [];
  /** One write in flight: a batch put back after a failure is written before the changes since. */
  private readonly writes = new WritesInTurn();
  private readonly statements;

  /**
   * `writer`: where alarms and their history are written; the store's (its write thread) in a
   * running Tally, this connection by default. Reads and template overrides use `db`.
   */
  constructor(
    private readonly db: SqliteDatabase,
    private readonly writer: StatementWriter = directStatementWriter(db),
  ) {
    runMigrations(db, 'alarms', MIGRATIONS);
    this.statements = {
      active: db.prepare('SELECT * FROM alarms WHERE cleared_at IS NULL'),
      byId: db.prepare('SELECT * FROM alarms WHERE id = ?'),
      maxId: db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM alarms'),
      history: db.prepare('SELECT * FROM alarm_changes WHERE alarm_id = ? ORDER BY time, rowid'),
      template: db.prepare('SELECT template FROM alarm_templates WHERE element_id = ?'),
      putTemplate: db.prepare(`INSERT INTO alarm_templates VALUES (?, ?, ?, ?)
        ON CONFLICT (element_id) DO UPDATE SET template = excluded.template, updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
      deleteTemplate: db.prepare('DELETE FROM alarm_templates WHERE element_id = ?'),
    };
  }

  /** Alarms not cleared when Tally last stopped. */
  loadActive(): Alarm[] {
    return (this.statements.active.all() as AlarmRow[]).map(fromRow);
  }

  highestId(): number {
    return (this.statements.maxId.get() as { id: number }).id;
  }

  /** Queues the alarm's current state (coalesced per alarm until the next flush). */
  saveAlarm(alarm: Alarm): void {
    this.dirty.set(alarm.id, alarm);
  }

  saveChange(change: AlarmChange): void {
    this.changes.push(change);
  }

  get pendingWrites(): number {
    return this.dirty.size + this.changes.length;
  }

  /**
   * Writes everything queued in one transaction, after the writes asked for before; settles
   * once committed, with how many rows were written.
   */
  flush(): Promise<number> {
    return this.writes.run(() => this.writeQueued());
  }

  /** Past and present alarms, newest first (call {@link flush} first to include the latest). */
  query(query: AlarmQuery): Alarm[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (query.state === 'active') where.push('cleared_at IS NULL');
    if (query.elementId !== undefined) {
      where.push('element_id = ?');
      args.push(query.elementId);
    }
    if (query.severities?.length) {
      where.push(`severity IN (${query.severities.map(() => '?').join(', ')})`);
      args.push(...query.severities);
    }
    if (query.from !== undefined) {
      where.push('raised_at >= ?');
      args.push(query.from);
    }
    if (query.to !== undefined) {
      where.push('raised_at <= ?');
      args.push(query.to);
    }
    const sql = `SELECT * FROM alarms ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY raised_at DESC, id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, query.limit ?? 1000) as AlarmRow[]).map(fromRow);
  }

  get(id: number): Alarm | undefined {
    const row = this.statements.byId.get(id) as AlarmRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  history(alarmId: number): AlarmChange[] {
    return (this.statements.history.all(alarmId) as (Omit<AlarmChange, 'value' | 'alarmId'> & { alarm_id: number; value: string })[]).map(
      ({ alarm_id, value, ...rest }) => ({ ...rest, alarmId: alarm_id, value: JSON.parse(value) as Value }),
    );
  }

  /** Forgets alarms cleared before `before` and their history; settles with how many alarms it forgot. */
  prune(before: number): Promise<number> {
    return this.writes.run(async () => {
      const [, alarms] = await this.writer.run([
        { sql: PRUNE_CHANGES_SQL, params: [before] },
        { sql: PRUNE_ALARMS_SQL, params: [before] },
      ]);
      return alarms.changes;
    });
  }

  templateOverride(elementId: string): AlarmTemplate | undefined {
    const row = this.statements.template.get(elementId) as { template: string } | undefined;
    return row ? (JSON.parse(row.template) as AlarmTemplate) : undefined;
  }

  saveTemplateOverride(elementId: string, template: AlarmTemplate, user: string | null, now: number): void {
    this.statements.putTemplate.run(elementId, JSON.stringify(template), now, user);
  }

  deleteTemplateOverride(elementId: string): void {
    this.statements.deleteTemplate.run(elementId);
  }

  private async writeQueued(): Promise<number> {
    const count = this.pendingWrites;
    if (count === 0) return 0;
    const alarms = [...this.dirty.values()];
    const changes = this.changes;
    this.dirty.clear();
    this.changes = [];
    try {
      await this.writer.run([
        ...alarms.map((alarm) => ({ sql: UPSERT_ALARM_SQL, params: toRow(alarm) })),
        ...changes.map((change) => ({ sql: INSERT_CHANGE_SQL, params: { ...change, value: JSON.stringify(change.value) } })),
      ]);
    } catch (error) {
      // Nothing was written (one transaction): keep it all for the next attempt; a state queued since is newer.
      for (const alarm of alarms) if (!this.dirty.has(alarm.id)) this.dirty.set(alarm.id, alarm);
      this.changes = changes.concat(this.changes);
      throw error;
    }
    return count;
  }
}

function toRow(alarm: Alarm): Record<string, unknown> {
  return { ...alarm, value: JSON.stringify(alarm.value), acknowledged: alarm.acknowledged ? 1 : 0 };
}

function fromRow(row: AlarmRow): Alarm {
  return {
    id: row.id,
    elementId: row.element_id,
    elementName: row.element_name,
    ruleId: row.rule_id,
    paramId: row.param_id,
    tableId: row.table_id,
    rowKey: row.row_key,
    displayKey: row.display_key,
    severity: row.severity as AlarmSeverity,
    value: JSON.parse(row.value) as Value,
    message: row.message,
    raisedAt: row.raised_at,
    updatedAt: row.updated_at,
    clearedAt: row.cleared_at,
    acknowledged: row.acknowledged === 1,
    ackComment: row.ack_comment,
    ackUser: row.ack_user,
    ackAt: row.ack_at,
  };
}
