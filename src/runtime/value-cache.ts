/**
 * An element's current parameter values and table rows, in memory. Connectors report
 * everything on every poll; only what CHANGED goes to the store (through the batching
 * writer) and out on the live bus. A value is `fresh` once polled since start; values
 * loaded from the store, and every value while the element is in timeout, show as stale.
 */
import type { ConnectorDefinition, ParamDef, Row, TableDef, Value } from '../sdk/index.js';
import type { StoredParam, StoredRow } from '../store/types.js';
import type { LiveBus } from '../live/live-bus.js';
import { paramWriteKey, rowWriteKey, type BatchingWriter } from '../store/batching-writer.js';
import type { ParamView, RowView, TableView } from './views.js';
import { displayValue } from './value-rules.js';
import { MASK } from './secret-masker.js';
import { cellStrings } from './string-pool.js';

/** What the cache writes to: the store's batching writer. */
export type ValueWriter = Pick<BatchingWriter, 'queueParam' | 'queueRow' | 'queueRowDelete' | 'queueEvent'>;

export interface ParamState {
  readonly def: ParamDef;
  value: Value;
  updatedAt: number | null;
  fresh: boolean;
  /** What the batching writer is handed and its key there, made at the first change; the record is updated in place after (as a row is). */
  stored?: { record: StoredParam; writeKey: string };
}

/**
 * A kept row. It is also the record the batching writer queues (a `StoredRow`): a change
 * updates it in place and queues it again, so a row that changes at every poll costs no new
 * objects that live until the next write — the old generation's garbage at thousands of
 * elements (bench/README.md, round 15).
 */
export interface RowState extends StoredRow {
  /** Its key in the batching writer, made once for the row's life. */
  readonly writeKey: string;
  fresh: boolean;
  /** Fill generation that last reported this row (vanished rows are those not reached). */
  seen: number;
}

interface TableState {
  readonly def: TableDef;
  readonly rows: Map<string, RowState>;
  /** Ids of its volatile columns: a row changing only in these may be written late. */
  readonly volatile: ReadonlySet<string>;
  generation: number;
}

/**
 * Kept parameters hold configuration or what an operator set: they are never polled, so
 * they are never stale for want of a poll.
 */
export function isKept(def: ParamDef): boolean {
  return Boolean(def.config || def.secret || (def.writable && !def.onSet));
}

/** An operator may set it: writable, secret (write-only) or configuration. */
export function isSettable(def: ParamDef): boolean {
  return Boolean(def.writable || def.secret || def.config);
}

export interface UnknownReport {
  (kind: 'parameter' | 'table', id: string): void;
}

export class ValueCache {
  private readonly params = new Map<string, ParamState>();
  private readonly tables = new Map<string, TableState>();
  private timedOut = false;
  // Reused across reports: a poll that changes nothing allocates nothing here.
  private readonly changedParams: ParamState[] = [];

  constructor(
    private readonly elementId: string,
    definition: ConnectorDefinition,
    private readonly writer: ValueWriter,
    private readonly bus: LiveBus,
    private readonly onUnknown: UnknownReport,
  ) {
    for (const def of definition.params) {
      this.params.set(def.id, { def, value: def.default ?? null, updatedAt: null, fresh: isKept(def) });
    }
    for (const def of definition.tables) {
      this.tables.set(def.id, { def, rows: new Map(), volatile: volatileColumns(def), generation: 0 });
    }
  }

  /** Last values from the store: shown, but stale until polled afresh. */
  load(params: StoredParam[], rows: StoredRow[]): void {
    for (const stored of params) {
      const state = this.params.get(stored.paramId);
      if (!state || state.def.secret || state.def.config) continue;
      state.value = stored.value;
      state.updatedAt = stored.updatedAt;
      state.fresh = isKept(state.def);
    }
    for (const stored of rows) {
      const table = this.tables.get(stored.tableId);
      if (!table) continue;
      cellStrings.internCells(stored.cells);
      table.rows.set(stored.key, {
        elementId: this.elementId,
        tableId: stored.tableId,
        key: stored.key,
        writeKey: rowWriteKey(this.elementId, stored.tableId, stored.key),
        cells: stored.cells,
        displayKey: cellStrings.intern(stored.displayKey),
        updatedAt: stored.updatedAt,
        fresh: false,
        seen: 0,
      });
    }
  }

  /** In timeout every value shows as stale; leaving it shows them live again. Publishes all. */
  setTimedOut(timedOut: boolean): void {
    if (this.timedOut === timedOut) return;
    this.timedOut = timedOut;
    this.publishAll();
  }

  value(paramId: string): Value {
    return this.params.get(paramId)?.value ?? null;
  }

  /**
   * Sets configuration values (secrets, config) without storing: the element record holds
   * them. Not published while the element is being built (nobody knows it yet).
   */
  setConfigured(values: Record<string, Value>, now: number, publish: boolean): void {
    for (const id in values) {
      const state = this.params.get(id);
      if (!state) continue;
      if (state.value !== values[id] || !state.fresh) {
        state.value = values[id];
        state.updatedAt = now;
        state.fresh = true;
        if (publish) this.changedParams.push(state);
      }
    }
    this.publishParams();
  }

  /** Reports values (from a connector or an operator's set); stores and pushes the changes. */
  setParams(values: Record<string, Value>, now: number): void {
    for (const id in values) {
      const state = this.params.get(id);
      if (!state || state.def.secret) {
        this.onUnknown('parameter', id);
        continue;
      }
      const value = values[id] ?? null;
      const changed = state.value !== value;
      if (changed) {
        state.value = value;
        state.updatedAt = now;
        if (!state.def.config) this.queueParam(state, now);
      }
      if (changed || !state.fresh) {
        state.fresh = true;
        this.changedParams.push(state);
      }
    }
    this.publishParams();
  }

  /** Queues the parameter's one record, updated in place: a change allocates nothing that waits for the write. */
  private queueParam(state: ParamState, now: number): void {
    const paramId = state.def.id;
    const { record, writeKey } = (state.stored ??= {
      record: { elementId: this.elementId, paramId, value: state.value, updatedAt: now },
      writeKey: paramWriteKey(this.elementId, paramId),
    });
    record.value = state.value;
    record.updatedAt = now;
    this.writer.queueParam(record, state.def.volatile === true, writeKey);
  }

  /** Copies: a connector changing what it got must not change what the cache compares against. */
  rows(tableId: string): Row[] {
    const table = this.tables.get(tableId);
    if (!table) return [];
    const rows: Row[] = [];
    for (const row of table.rows.values()) rows.push({ key: row.key, cells: { ...row.cells } });
    return rows;
  }

  row(tableId: string, key: string): Row | undefined {
    const row = this.tables.get(tableId)?.rows.get(key);
    return row && { key: row.key, cells: { ...row.cells } };
  }

  /** Replaces a table's rows: the ones not given are removed. */
  fillTable(tableId: string, rows: Row[], now: number): void {
    this.report(tableId, rows, now, true);
  }

  upsertRows(tableId: string, rows: Row[], now: number): void {
    this.report(tableId, rows, now, false);
  }

  /**
   * Changes the given cells of rows the table has, leaving their other cells as they are;
   * a key without a row is skipped. Only the given cells are compared, and the row is
   * copied once, when one of them changed: a poll that refreshes a few columns of wide rows
   * (link statistics of an input) need not copy and compare the whole row.
   */
  patchRows(tableId: string, patches: Row[], now: number): void {
    const table = this.tables.get(tableId);
    if (!table) {
      this.onUnknown('table', tableId);
      return;
    }
    let changed: RowView[] | null = null;
    for (const patch of patches) {
      const current = table.rows.get(patch.key);
      if (!current) continue;
      const change = comparePatch(current.cells, patch.cells, table.volatile, table.def.displayColumn);
      if (change === 'none') {
        if (this.freshen(current)) (changed ??= []).push(this.rowView(current));
        continue;
      }
      if (!assignCells(current.cells, patch.cells, false)) current.cells = pooledCopy(current.cells, patch.cells);
      const displayKey = String(current.cells[table.def.displayColumn] ?? patch.key);
      (changed ??= []).push(this.keepChange(current, displayKey, change, now, current.seen));
    }
    if (changed) this.bus.publish({ type: 'rows', elementId: this.elementId, tableId, rows: changed, removed: [] });
  }

  paramView(paramId: string): ParamView | undefined {
    const state = this.params.get(paramId);
    return state && this.viewOf(state);
  }

  paramViews(): ParamView[] {
    const views: ParamView[] = [];
    for (const state of this.params.values()) views.push(this.viewOf(state));
    return views;
  }

  tableView(tableId: string): TableView | undefined {
    const table = this.tables.get(tableId);
    if (!table) return undefined;
    const rows: RowView[] = [];
    for (const row of table.rows.values()) rows.push(this.rowView(row));
    const { id, name, displayColumn, columns } = table.def;
    return { id, name, displayColumn, columns, rows };
  }

  private report(tableId: string, rows: Row[], now: number, replace: boolean): void {
    const table = this.tables.get(tableId);
    if (!table) {
      this.onUnknown('table', tableId);
      return;
    }
    const generation = ++table.generation;
    let changed: RowView[] | null = null;
    for (const row of rows) {
      const current = table.rows.get(row.key);
      const displayKey = String(row.cells[table.def.displayColumn] ?? row.key);
      // A new row or a renamed one is never deferred: a restart must show it as it is named now.
      const change = current?.displayKey === displayKey ? compareCells(current.cells, row.cells, table.volatile) : 'other';
      if (current && change === 'none') {
        current.seen = generation;
        if (this.freshen(current)) (changed ??= []).push(this.rowView(current));
        continue;
      }
      (changed ??= []).push(this.keepRow(table, current, row, displayKey, change, now, generation));
    }
    let removed: string[] | null = null;
    if (replace) {
      for (const [key, state] of table.rows) {
        if (state.seen === generation) continue;
        table.rows.delete(key);
        this.writer.queueRowDelete(this.elementId, tableId, key);
        (removed ??= []).push(key);
      }
    }
    if (changed || removed) {
      this.bus.publish({ type: 'rows', elementId: this.elementId, tableId, rows: changed ?? [], removed: removed ?? [] });
    }
  }

  /** A row the device confirmed unchanged is fresh again; true when it was stale (its view must be pushed). */
  private freshen(row: RowState): boolean {
    if (row.fresh) return false;
    row.fresh = true;
    return true;
  }

  /** A reported row, new or changed: kept, queued for the store, and its view returned. */
  private keepRow(table: TableState, current: RowState | undefined, reported: Row, displayKey: string, change: CellChange, now: number, seen: number): RowView {
    if (!current) {
      const key = cellStrings.intern(reported.key);
      const state: RowState = {
        elementId: this.elementId,
        tableId: table.def.id,
        key,
        writeKey: rowWriteKey(this.elementId, table.def.id, key),
        displayKey: '',
        cells: pooledCopy(reported.cells),
        updatedAt: now,
        fresh: true,
        seen,
      };
      table.rows.set(reported.key, state);
      return this.keepChange(state, displayKey, change, now, seen);
    }
    // A row whose columns came or went gets a cells object of the new shape.
    if (!assignCells(current.cells, reported.cells, true)) current.cells = pooledCopy(reported.cells);
    return this.keepChange(current, displayKey, change, now, seen);
  }

  /**
   * Records a change already made to the row's cells and queues the row itself for the
   * store; its strings are the pool's copies, shared with every row that holds the same
   * (see StringPool).
   */
  private keepChange(row: RowState, displayKey: string, change: CellChange, now: number, seen: number): RowView {
    row.displayKey = cellStrings.intern(displayKey);
    row.updatedAt = now;
    row.fresh = true;
    row.seen = seen;
    this.writer.queueRow(row, change === 'volatile', row.writeKey);
    return this.rowView(row);
  }

  private publishParams(): void {
    if (this.changedParams.length === 0) return;
    const params = this.changedParams.map((state) => this.viewOf(state));
    this.changedParams.length = 0;
    this.bus.publish({ type: 'params', elementId: this.elementId, params });
  }

  private publishAll(): void {
    this.bus.publish({ type: 'params', elementId: this.elementId, params: this.paramViews() });
    for (const table of this.tables.values()) {
      if (table.rows.size === 0) continue;
      const rows: RowView[] = [];
      for (const row of table.rows.values()) rows.push(this.rowView(row));
      this.bus.publish({ type: 'rows', elementId: this.elementId, tableId: table.def.id, rows, removed: [] });
    }
  }

  private viewOf(state: ParamState): ParamView {
    const def = state.def;
    const secret = Boolean(def.secret);
    const isSet = state.value !== null && state.value !== '';
    return {
      id: def.id,
      name: def.name,
      type: def.type,
      value: secret ? null : state.value,
      display: secret ? (isSet ? MASK : '') : displayValue(def, state.value),
      unit: def.unit ?? null,
      writable: isSettable(def),
      secret,
      isSet,
      stale: this.timedOut || !state.fresh,
      updatedAt: state.updatedAt,
    };
  }

  private rowView(row: RowState): RowView {
    return { key: row.key, displayKey: row.displayKey, cells: row.cells, stale: this.timedOut || !row.fresh, updatedAt: row.updatedAt };
  }
}

const volatileByTable = new WeakMap<TableDef, ReadonlySet<string>>();

/** The table's volatile column ids, one set per table definition shared by all its elements' caches. */
function volatileColumns(def: TableDef): ReadonlySet<string> {
  let volatile = volatileByTable.get(def);
  if (!volatile) {
    volatile = new Set(def.columns.filter((column) => column.volatile).map((column) => column.id));
    volatileByTable.set(def, volatile);
  }
  return volatile;
}

/** How a reported row differs from the kept one: not at all, only in volatile cells, or otherwise. */
type CellChange = 'none' | 'volatile' | 'other';

function compareCells(current: Record<string, Value>, next: Record<string, Value>, volatile: ReadonlySet<string>): CellChange {
  let change: CellChange = 'none';
  let count = 0;
  for (const column in next) {
    if (current[column] !== next[column]) {
      if (!volatile.has(column)) return 'other';
      change = 'volatile';
    }
    count++;
  }
  for (const _column in current) count--;
  // A column that appeared or vanished is a change of the row's shape, never deferred.
  return count === 0 ? change : 'other';
}

/**
 * Writes `reported` into the kept cells (strings as the pool's copies) when the kept row has
 * every reported column and, for a whole row (`whole`), no other; false, untouched, when
 * the row's shape changes.
 */
function assignCells(kept: Record<string, Value>, reported: Record<string, Value>, whole: boolean): boolean {
  let count = 0;
  for (const column in reported) {
    if (!Object.hasOwn(kept, column)) return false;
    count++;
  }
  if (whole) {
    for (const _column in kept) count--;
    if (count !== 0) return false;
  }
  for (const column in reported) {
    const value = reported[column];
    kept[column] = typeof value === 'string' ? cellStrings.intern(value) : value;
  }
  return true;
}

/** The cache's own copy of reported cells (with a patch over them), its strings the pool's copies. */
function pooledCopy(cells: Record<string, Value>, patch?: Record<string, Value>): Record<string, Value> {
  const copy = { ...cells, ...patch };
  cellStrings.internCells(copy);
  return copy;
}

/** How the given cells differ from the kept row: a cell the row does not have, or the display column, is never deferred. */
function comparePatch(current: Record<string, Value>, patch: Record<string, Value>, volatile: ReadonlySet<string>, displayColumn: string): CellChange {
  let change: CellChange = 'none';
  for (const column in patch) {
    if (current[column] === patch[column]) continue;
    if (!volatile.has(column) || column === displayColumn || !(column in current)) return 'other';
    change = 'volatile';
  }
  return change;
}
