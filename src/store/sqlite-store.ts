/**
 * The embedded default store: one SQLite file (WAL) under the data directory. Other parts of
 * Tally (security, alarms, trends) share the same file through {@link SqliteStore.db} and run
 * their own migration namespaces; this class owns the namespace 'core'. The trend engine's
 * batches go through {@link SqliteStore.writeTrends}, so they share the write thread.
 */
import type { Value } from '../sdk/index.js';
import { prepareTrendWrites, writeAtOnce, type TrendBatch, type TrendWrites } from '../trends/trend-store.js';
import { clampLimit, SqlConditions } from './sql-conditions.js';
import { openSqlite, runMigrations, type Migration, type SqliteDatabase } from './sqlite-database.js';
import { directStatementWriter, type StatementWriter } from './statement-writer.js';
import { prepareValueWrites, withoutUnknownElements, type ValueWrites } from './value-writes.js';
import { StoreWriteThread } from './store-write-thread.js';
import type {
  ElementRecord,
  EventQuery,
  InfoEvent,
  Store,
  StoredParam,
  StoredRow,
  ValueBatch,
} from './types.js';

const CORE_MIGRATIONS: readonly Migration[] = [
  {
    name: 'elements, last values, table rows, information events, settings',
    up(db) {
      db.exec(`
        CREATE TABLE elements (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          connector TEXT NOT NULL,
          connection TEXT NOT NULL,
          config TEXT NOT NULL,
          sealed_secrets TEXT NOT NULL,
          poll_intervals TEXT NOT NULL,
          operator_state TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE param_values (
          element_id TEXT NOT NULL,
          param_id TEXT NOT NULL,
          value TEXT NOT NULL,
          updated_at INTEGER NOT NULL,
          PRIMARY KEY (element_id, param_id)
        ) WITHOUT ROWID;
        CREATE TABLE table_rows (
          element_id TEXT NOT NULL,
          table_id TEXT NOT NULL,
          row_key TEXT NOT NULL,
          display_key TEXT NOT NULL,
          cells TEXT NOT NULL,
          updated_at INTEGER NOT NULL,
          PRIMARY KEY (element_id, table_id, row_key)
        ) WITHOUT ROWID;
        CREATE TABLE info_events (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          time INTEGER NOT NULL,
          element_id TEXT,
          kind TEXT NOT NULL,
          user TEXT,
          message TEXT NOT NULL,
          details TEXT
        );
        CREATE INDEX info_events_by_element_time ON info_events (element_id, time);
        CREATE INDEX info_events_by_time ON info_events (time);
        CREATE TABLE settings (
          key TEXT PRIMARY KEY,
          value TEXT NOT NULL
        ) WITHOUT ROWID;
      `);
    },
  },
];

/** The most events one query returns, whatever the caller asks for. */
export const MAX_EVENT_LIMIT = 10_000;
const DEFAULT_EVENT_LIMIT = 100;

interface ElementRow {
  id: string;
  name: string;
  connector: string;
  connection: string;
  config: string;
  sealed_secrets: string;
  poll_intervals: string;
  operator_state: ElementRecord['operatorState'];
  created_at: number;
  updated_at: number;
}

interface ParamRow {
  param_id: string;
  value: string;
  updated_at: number;
}

interface TableRowRow {
  table_id: string;
  row_key: string;
  display_key: string;
  cells: string;
  updated_at: number;
}

interface EventRow {
  id: number;
  time: number;
  element_id: string | null;
  kind: InfoEvent['kind'];
  user: string | null;
  message: string;
  details: string | null;
}

export interface SqliteStoreOptions {
  /**
   * Writes last values, rows, events and trend batches on a worker thread with its own
   * connection (and leaves it the WAL checkpoints), so the event loop never blocks on them.
   * Ignored for an in-memory database, which a second connection cannot share.
   */
  writeThread?: boolean;
}

export class SqliteStore implements Store {
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly writes: ValueWrites;
  /** Prepared at the first trend batch, once the trend engine's migrations have run. */
  private trendWrites: TrendWrites | undefined;
  /**
   * Ids of configured elements. A write-behind buffer may still hold values of an element
   * after its deletion; checking here (this process owns the file) keeps them from coming
   * back as orphans without a lookup per written row.
   */
  private readonly elementIds: Set<string>;

  /**
   * Where element configuration, the audit trail and the alarms write (see statement-writer.ts): the write thread
   * when there is one, so they never wait for its commits on the event loop.
   */
  readonly statementWriter: StatementWriter;

  private constructor(
    readonly db: SqliteDatabase,
    private readonly writeThread: StoreWriteThread | undefined,
  ) {
    this.statementWriter = writeThread ?? directStatementWriter(db);
    runMigrations(db, 'core', CORE_MIGRATIONS);
    this.statements = prepareStatements(db);
    this.writes = prepareValueWrites(db);
    this.elementIds = new Set(this.statements.listElementIds.pluck().all() as string[]);
    // The write thread commits most often: it checkpoints, off the event loop.
    if (writeThread) db.pragma('wal_autocheckpoint = 0');
  }

  /** Opens (creating and migrating) the store at `path`; ':memory:' for a throw-away one. */
  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    const writeThread = options.writeThread && path !== ':memory:' ? new StoreWriteThread(path) : undefined;
    return new SqliteStore(openSqlite(path), writeThread);
  }

  async migrate(): Promise<void> {
    runMigrations(this.db, 'core', CORE_MIGRATIONS);
  }

  async listElements(): Promise<ElementRecord[]> {
    return (this.statements.listElements.all() as ElementRow[]).map(toElementRecord);
  }

  async getElement(id: string): Promise<ElementRecord | undefined> {
    const row = this.statements.getElement.get(id) as ElementRow | undefined;
    return row && toElementRecord(row);
  }

  /**
   * Through the statement writer like the audit trail: under sustained value writes a save on
   * the main connection would wait for the write thread's commit inside the event loop.
   * Queued behind the values already sent, and committed when this resolves.
   */
  async saveElement(element: ElementRecord): Promise<void> {
    await this.statementWriter.run([
      {
        sql: UPSERT_ELEMENT,
        params: {
          id: element.id,
          name: element.name,
          connector: element.connector,
          connection: JSON.stringify(element.connection),
          config: JSON.stringify(element.config),
          sealed_secrets: JSON.stringify(element.sealedSecrets),
          poll_intervals: JSON.stringify(element.pollIntervals),
          operator_state: element.operatorState,
          created_at: element.createdAt,
          updated_at: element.updatedAt,
        },
      },
    ]);
    this.elementIds.add(element.id);
  }

  async deleteElement(id: string): Promise<void> {
    // First, so that no batch sent after this carries the element's values.
    this.elementIds.delete(id);
    if (this.writeThread) await this.writeThread.deleteElement(id);
    else this.writes.deleteElement(id);
  }

  async loadValues(elementId: string): Promise<{ params: StoredParam[]; rows: StoredRow[] }> {
    const params = (this.statements.loadParams.all(elementId) as ParamRow[]).map(
      (row): StoredParam => ({
        elementId,
        paramId: row.param_id,
        value: JSON.parse(row.value) as Value,
        updatedAt: row.updated_at,
      }),
    );
    const rows = (this.statements.loadRows.all(elementId) as TableRowRow[]).map(
      (row): StoredRow => ({
        elementId,
        tableId: row.table_id,
        key: row.row_key,
        displayKey: row.display_key,
        cells: JSON.parse(row.cells) as Record<string, Value>,
        updatedAt: row.updated_at,
      }),
    );
    return { params, rows };
  }

  /** Writes the batch in one transaction; values and rows of unknown (deleted) elements are skipped. */
  async writeBatch(batch: ValueBatch): Promise<void> {
    const known = withoutUnknownElements(batch, this.elementIds);
    if (this.writeThread) await this.writeThread.writeBatch(known);
    else this.writes.writeBatch(known);
  }

  /** Writes a trend batch (see `TrendEngine`) in one transaction, then its prune in steps; its tables must exist. */
  async writeTrends(batch: TrendBatch): Promise<void> {
    if (this.writeThread) await this.writeThread.writeTrends(batch);
    else writeAtOnce((this.trendWrites ??= prepareTrendWrites(this.db)), batch);
  }

  async listEvents(query: EventQuery): Promise<InfoEvent[]> {
    const conditions = new SqlConditions()
      .add('element_id = ?', query.elementId)
      .add('kind = ?', query.kind)
      .add('time >= ?', query.from)
      .add('time <= ?', query.to);
    const sql = `SELECT id, time, element_id, kind, user, message, details FROM info_events${conditions.where}
      ORDER BY time DESC, id DESC LIMIT ?`;
    const limit = clampLimit(query.limit, DEFAULT_EVENT_LIMIT, MAX_EVENT_LIMIT);
    return (this.db.prepare(sql).all(...conditions.args, limit) as EventRow[]).map(toInfoEvent);
  }

  async getSetting(key: string): Promise<string | undefined> {
    const row = this.statements.getSetting.get(key) as { value: string } | undefined;
    return row?.value;
  }

  async setSetting(key: string, value: string): Promise<void> {
    this.statements.setSetting.run(key, value);
  }

  async close(): Promise<void> {
    await this.writeThread?.close();
    if (this.db.open) this.db.close();
  }
}

const ELEMENT_COLUMNS = 'id, name, connector, connection, config, sealed_secrets, poll_intervals, operator_state, created_at, updated_at';

const UPSERT_ELEMENT = `INSERT INTO elements (${ELEMENT_COLUMNS})
  VALUES (@id, @name, @connector, @connection, @config, @sealed_secrets, @poll_intervals, @operator_state, @created_at, @updated_at)
  ON CONFLICT (id) DO UPDATE SET name = excluded.name, connector = excluded.connector,
    connection = excluded.connection, config = excluded.config, sealed_secrets = excluded.sealed_secrets,
    poll_intervals = excluded.poll_intervals, operator_state = excluded.operator_state,
    created_at = excluded.created_at, updated_at = excluded.updated_at`;

function prepareStatements(db: SqliteDatabase) {
  return {
    listElements: db.prepare(`SELECT ${ELEMENT_COLUMNS} FROM elements ORDER BY id`),
    listElementIds: db.prepare('SELECT id FROM elements'),
    getElement: db.prepare(`SELECT ${ELEMENT_COLUMNS} FROM elements WHERE id = ?`),
    loadParams: db.prepare('SELECT param_id, value, updated_at FROM param_values WHERE element_id = ?'),
    loadRows: db.prepare(
      'SELECT table_id, row_key, display_key, cells, updated_at FROM table_rows WHERE element_id = ? ORDER BY table_id, row_key',
    ),
    getSetting: db.prepare('SELECT value FROM settings WHERE key = ?'),
    setSetting: db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
  };
}

function toElementRecord(row: ElementRow): ElementRecord {
  return {
    id: row.id,
    name: row.name,
    connector: row.connector,
    connection: JSON.parse(row.connection) as ElementRecord['connection'],
    config: JSON.parse(row.config) as ElementRecord['config'],
    sealedSecrets: JSON.parse(row.sealed_secrets) as ElementRecord['sealedSecrets'],
    pollIntervals: JSON.parse(row.poll_intervals) as ElementRecord['pollIntervals'],
    operatorState: row.operator_state,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toInfoEvent(row: EventRow): InfoEvent {
  return {
    id: row.id,
    time: row.time,
    elementId: row.element_id,
    kind: row.kind,
    user: row.user,
    message: row.message,
    ...(row.details === null ? {} : { details: JSON.parse(row.details) as Record<string, unknown> }),
  };
}
