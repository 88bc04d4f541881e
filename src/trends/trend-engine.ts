/**
 * The trend engine: listens to the live bus and keeps, for every parameter and table column
 * marked `trend: true`, real-time points (on change) and 5-minute, hourly and daily rollups
 * (avg, min, max, count), each window with its own retention.
 *
 * Rollups are accumulated in memory and written with the points by one write-behind timer
 * (on the store's write thread when given its writer, one batch at a time); the open bucket
 * is written as it grows, at most a checkpoint period after it changed, so a restart picks it
 * up where it was (partial buckets are recoverable). Each new bucket starts with the value
 * that held when it began, so a steady value still has a min, max and average for every
 * bucket it spans. Values marked stale (element timed out, not yet polled) are not
 * trended, and a value does not carry over a gap (timeout, error, pause, stop).
 */
import type { ConnectorDefinition, Value } from '../sdk/index.js';
import type { ElementState } from '../store/types.js';
import type { SqliteDatabase } from '../store/sqlite-database.js';
import type { LiveBus } from '../live/live-bus.js';
import type { LiveMessage, ParamView, RowView } from '../runtime/views.js';
import { TallyError, notFound } from '../errors.js';
import { columnKey } from '../alarms/compiled-template.js';
import type { ElementLookup } from '../alarms/alarm-engine.js';
import { FlushTimer } from '../alarms/flush-timer.js';
import { BUCKET_FIELDS, POINT_FIELDS, TrendStore, bucketColumns, pointColumns, type SeriesRow, type TrendBatch } from './trend-store.js';
import { PendingColumns } from './pending-columns.js';
import { WritesInTurn } from '../store/writes-in-turn.js';
import { CheckpointWheel, phaseOf, type Checkpointed } from './checkpoint-wheel.js';
import { SeriesIndex } from './series-index.js';
import { OpenBuckets } from './open-buckets.js';

export type TrendWindow = 'raw' | '5m' | '1h' | '1d';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Rollup windows, ms. */
export const ROLLUPS = [
  { name: '5m', ms: 5 * MINUTE },
  { name: '1h', ms: HOUR },
  { name: '1d', ms: DAY },
] as const;
const WINDOW_MS: Record<Exclude<TrendWindow, 'raw'>, number> = { '5m': 5 * MINUTE, '1h': HOUR, '1d': DAY };
const DEFAULT_RETENTION_DAYS: Record<TrendWindow, number> = { raw: 1, '5m': 31, '1h': 366, '1d': 366 };
/** Span shown when a query gives no `from`. */
const DEFAULT_SPAN: Record<TrendWindow, number> = { raw: HOUR, '5m': DAY, '1h': 7 * DAY, '1d': 366 * DAY };
const MAX_POINTS = 10_000;
const DEFAULT_CHECKPOINT_MS = MINUTE;
const MAX_PENDING_POINTS = 1_000_000;
/** States that end a series' run of values: the next value does not start from the last one. */
const GAP_STATES: ReadonlySet<ElementState> = new Set(['timeout', 'error', 'paused', 'stopped']);

export interface TrendEngineOptions {
  db: SqliteDatabase;
  bus: LiveBus;
  connectors: (connectorId: string) => ConnectorDefinition | undefined;
  elements?: ElementLookup;
  /** Days kept per window (defaults raw 1, 5m 31, 1h 366, 1d 366). */
  retentionDays?: Partial<Record<TrendWindow, number>>;
  /** Delay of the write-behind, ms (default 1000). */
  flushDelayMs?: number;
  /** How often old data is pruned, ms (default 10 minutes). */
  pruneIntervalMs?: number;
  /**
   * How long an open bucket may go unwritten after it changed, ms (default 60 s); each is
   * written at a moment of the period its series keeps (checkpoint-wheel.ts). Closed
   * buckets and points go out with every flush; an open bucket changes with every point, so
   * writing it each flush would triple the writes. A crash loses at most this much of the
   * open buckets' samples.
   */
  checkpointMs?: number;
  /** Time source for the checkpoints (tests); Date.now by default. */
  clock?: () => number;
  /**
   * Writes a batch in one transaction, e.g. on the store's write thread
   * (`SqliteStore.writeTrends`); by default synchronously on `db`, on the event loop.
   */
  write?: (batch: TrendBatch) => Promise<void>;
  /** Told after each written batch: how long it took from sending to commit, and its rows. */
  onFlush?: (durationMs: number, rows: number) => void;
  /** Told when a write fails; the batch is kept and written with the next flush. */
  onWriteError?: (error: unknown) => void;
}

export interface TrendQuery {
  /** Row key, for a table column. */
  row?: string;
  from?: number;
  to?: number;
  /** `auto` picks raw up to 6 hours, 5m up to 7 days, 1h up to 90 days, else 1d. */
  window?: TrendWindow | 'auto';
}

export type TrendResult =
  | { window: 'raw'; points: { t: number; v: number }[] }
  | { window: Exclude<TrendWindow, 'raw'>; points: { t: number; avg: number; min: number; max: number; count: number }[] };

/**
 * A trended parameter, or column of a row. While its open buckets changed since they were
 * last written (dirty), it waits in the checkpoint wheel.
 */
interface Series extends Checkpointed {
  id: number;
  paramId: string;
  rowKey: string;
  displayKey: string;
  /** Created by an earlier run, so it may have an open bucket in the store to continue. */
  stored: boolean;
  /** Its row in the engine's {@link OpenBuckets}: last value and open buckets. */
  row: number;
  /** Its buckets are open (continued from the store or begun); not before its first value. */
  opened: boolean;
}

/** Which parameters and columns of a connector are trended. */
interface TrendedShape {
  params: ReadonlySet<string>;
  columns: ReadonlyMap<string, readonly { id: string; key: string }[]>;
}

interface ElementEntry {
  id: string;
  connectorId: string | null;
  shape: TrendedShape | undefined;
  state: ElementState;
  series: SeriesIndex<Series>;
}

export class TrendEngine {
  private readonly store: TrendStore;
  private readonly write: (batch: TrendBatch) => Promise<void>;
  /** The last flush asked for: the next one runs after it. */
  private readonly writes = new WritesInTurn();
  private readonly entries = new Map<string, ElementEntry>();
  private readonly shapes = new Map<string, TrendedShape>();
  private readonly flushTimer: FlushTimer;
  private lastSeriesId: number;
  /** Elements with series from earlier runs: only theirs are looked up in the store. */
  private readonly storedElements: Set<string>;
  private newSeries: SeriesRow[] = [];
  private readonly points = new PendingColumns(POINT_FIELDS);
  private readonly open = new OpenBuckets(ROLLUPS.map(({ ms }) => ms));
  private readonly checkpoints: CheckpointWheel<Series>;
  /** Closed buckets, and open ones whose checkpoint came, waiting for the flush. */
  private readonly buckets = new PendingColumns(BUCKET_FIELDS);
  private removedElements: string[] = [];
  private pruneTimer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: TrendEngineOptions) {
    this.store = new TrendStore(options.db);
    this.lastSeriesId = this.store.highestSeriesId();
    this.storedElements = this.store.elementsWithSeries();
    this.write = options.write ?? (async (batch) => this.store.write(batch));
    this.flushTimer = new FlushTimer(() => void this.flush(false), options.flushDelayMs ?? 1000);
    this.checkpoints = new CheckpointWheel(options.checkpointMs ?? DEFAULT_CHECKPOINT_MS, this.now());
  }

  private now(): number {
    return this.options.clock?.() ?? Date.now();
  }

  start(): void {
    this.unsubscribe = this.options.bus.subscribe((message) => this.onMessage(message));
    this.pruneTimer = setInterval(() => {
      this.prune().catch((error: unknown) => this.options.onWriteError?.(error));
    }, this.options.pruneIntervalMs ?? 10 * MINUTE);
    this.pruneTimer.unref?.();
  }

  /** Stops listening and writes what is queued (open buckets included). */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await this.flush();
  }

  /**
   * Writes the queued points and closed buckets in one transaction, with the open buckets
   * whose checkpoint came due, or all of them when `checkpoint` is set (stop and tests).
   * Settles once the batch is written or, when the write failed, put back for the next
   * flush.
   */
  flush(checkpoint = true): Promise<void> {
    return this.writes.run(() => this.writeQueued(checkpoint));
  }

  /**
   * Deletes what is older than each window's retention, through the same writer as the
   * batches (the store's write thread): after a day of points it is a long delete, which
   * must not stall the event loop. What is queued goes first, so nothing older than the
   * cutoff is written after it; open buckets keep their own moments (they are the newest).
   */
  async prune(now = Date.now()): Promise<void> {
    await this.flush(false);
    const days = { ...DEFAULT_RETENTION_DAYS, ...this.options.retentionDays };
    const prune = {
      pointsBefore: now - days.raw * DAY,
      bucketsBefore: ROLLUPS.map(({ name, ms }) => ({ window: ms, before: now - days[name] * DAY })),
    };
    await this.writes.run(() => this.write({ series: [], points: pointColumns([]), buckets: bucketColumns([]), removedElements: [], prune }));
  }

  /** The element's trended ids: parameters, and `<tableId>.<columnId>` for columns. */
  trendedIds(elementId: string): string[] {
    const shape = this.resolve(elementId).shape;
    if (!shape) return [];
    return [...shape.params, ...[...shape.columns.values()].flatMap((columns) => columns.map((column) => column.key))];
  }

  /**
   * Points of one series: raw `{t, v}` or rollups `{t, avg, min, max, count}`, oldest first,
   * with everything recorded before the call.
   */
  async query(elementId: string, paramId: string, query: TrendQuery = {}): Promise<TrendResult> {
    if (!this.trendedIds(elementId).includes(paramId)) throw notFound('trended parameter', paramId, 'paramId');
    const to = query.to ?? Date.now();
    const requested = query.window ?? 'auto';
    if (query.from !== undefined && query.from > to) throw new TallyError('VALIDATION', 'from must not be after to', 'from');
    const window = requested === 'auto' ? autoWindow(query.from === undefined ? HOUR : to - query.from) : requested;
    const from = query.from ?? to - DEFAULT_SPAN[window];
    await this.flush(false);
    const rowKey = query.row ?? '';
    const series = this.entries.get(elementId)?.series.get(paramId, rowKey);
    const seriesId = series?.id ?? this.store.findSeries(elementId, paramId, rowKey);
    if (window === 'raw') return { window, points: seriesId === undefined ? [] : this.store.points(seriesId, from, to, MAX_POINTS) };
    const ms = WINDOW_MS[window];
    const buckets = seriesId === undefined ? [] : this.store.buckets(seriesId, ms, from - ms + 1, to, MAX_POINTS);
    // The open bucket lives in memory until its checkpoint: show it as it is now.
    const open = series?.opened ? this.open.bucket(series.row, ROLLUPS.findIndex((rollup) => rollup.ms === ms), series.id) : undefined;
    if (open && open.count > 0 && open.t > from - ms && open.t <= to) {
      const { t, sum, min, max, count } = open;
      if (buckets.at(-1)?.t === t) buckets.pop();
      buckets.push({ t, sum, min, max, count });
    }
    return {
      window,
      points: buckets.map(({ t, sum, min, max, count }) => ({ t, avg: sum / count, min, max, count })),
    };
  }

  /** The latest live value of every series (for the optional metrics gauges). */
  *latestValues(): Generator<{ elementId: string; paramId: string; rowKey: string; displayKey: string; value: number }> {
    for (const entry of this.entries.values()) {
      for (const series of entry.series.values()) {
        const value = this.open.last(series.row);
        if (value !== null) yield { elementId: entry.id, paramId: series.paramId, rowKey: series.rowKey, displayKey: series.displayKey, value };
      }
    }
  }

  /** Takes what is queued (with the open buckets whose checkpoint came due) and writes it as one batch. */
  private async writeQueued(checkpoint: boolean): Promise<void> {
    this.flushTimer.cancel();
    this.checkpoints.takeDue(this.now(), checkpoint, (series) => this.queueBuckets(series));
    const rows = this.newSeries.length + this.points.length + this.buckets.length + this.removedElements.length;
    if (rows === 0) {
      if (this.checkpoints.waiting) this.flushTimer.request();
      return;
    }
    const batch = { series: this.newSeries, points: this.points.take(), buckets: this.buckets.take(), removedElements: this.removedElements };
    this.newSeries = [];
    this.removedElements = [];
    if (this.checkpoints.waiting) this.flushTimer.request();
    const started = performance.now();
    try {
      await this.write(batch);
    } catch (error) {
      // Nothing was written (one transaction; and were a commit's answer lost with the thread,
      // writing the batch again would change nothing): put it back in front of what came since.
      this.newSeries = batch.series.concat(this.newSeries);
      // A store that keeps failing must not take all memory: the oldest raw points go first.
      this.points.restore(batch.points, MAX_PENDING_POINTS);
      this.buckets.restore(batch.buckets);
      this.removedElements = batch.removedElements.concat(this.removedElements);
      this.options.onWriteError?.(error);
      this.flushTimer.request();
      return;
    }
    this.options.onFlush?.(performance.now() - started, rows);
  }

  private onMessage(message: LiveMessage): void {
    switch (message.type) {
      case 'element': {
        const entry = this.entry(message.element.id);
        this.attachConnector(entry, message.element.connector);
        entry.state = message.element.state;
        if (GAP_STATES.has(entry.state)) for (const series of entry.series.values()) this.open.setLast(series.row, null);
        break;
      }
      case 'element-removed':
        this.dropSeries(message.elementId);
        this.entries.delete(message.elementId);
        this.storedElements.delete(message.elementId);
        this.removedElements.push(message.elementId);
        this.flushTimer.request();
        break;
      case 'params':
        this.onParams(message.elementId, message.params);
        break;
      case 'rows':
        this.onRows(message.elementId, message.tableId, message.rows, message.removed);
        break;
    }
  }

  private entry(elementId: string): ElementEntry {
    let entry = this.entries.get(elementId);
    if (!entry) {
      entry = { id: elementId, connectorId: null, shape: undefined, state: 'initialising', series: new SeriesIndex() };
      this.entries.set(elementId, entry);
    }
    return entry;
  }

  private resolve(elementId: string): ElementEntry {
    const known = this.entries.get(elementId);
    if (known?.connectorId) return known;
    const element = this.options.elements?.(elementId);
    if (!element) {
      if (known) return known;
      throw notFound('element', elementId);
    }
    const entry = this.entry(element.id);
    this.attachConnector(entry, element.connector);
    return entry;
  }

  private attachConnector(entry: ElementEntry, connectorId: string): void {
    if (entry.connectorId === connectorId) return;
    entry.connectorId = connectorId;
    entry.shape = this.shape(connectorId);
  }

  private shape(connectorId: string): TrendedShape | undefined {
    let shape = this.shapes.get(connectorId);
    if (shape) return shape;
    const connector = this.options.connectors(connectorId);
    if (!connector) return undefined;
    const columns = new Map<string, { id: string; key: string }[]>();
    for (const table of connector.tables) {
      const trended = table.columns.filter((c) => c.trend).map((c) => ({ id: c.id, key: columnKey(table.id, c.id) }));
      if (trended.length > 0) columns.set(table.id, trended);
    }
    shape = { params: new Set(connector.params.filter((p) => p.trend && !p.secret).map((p) => p.id)), columns };
    this.shapes.set(connectorId, shape);
    return shape;
  }

  private onParams(elementId: string, params: ParamView[]): void {
    const entry = this.entries.get(elementId) ?? this.lookupEntry(elementId);
    if (!entry?.shape || entry.shape.params.size === 0) return;
    for (const param of params) {
      if (param.stale || !entry.shape.params.has(param.id)) continue;
      this.record(entry, param.id, '', '', param.value, param.updatedAt ?? Date.now());
    }
  }

  private onRows(elementId: string, tableId: string, rows: RowView[], removed: string[]): void {
    const entry = this.entries.get(elementId) ?? this.lookupEntry(elementId);
    const columns = entry?.shape?.columns.get(tableId);
    if (!entry || !columns) return;
    for (const key of removed) for (const column of columns) this.closeSeries(entry, column.key, key);
    for (const row of rows) {
      if (row.stale) continue;
      for (const column of columns) this.record(entry, column.key, row.key, row.displayKey, row.cells[column.id] ?? null, row.updatedAt);
    }
  }

  /** An element whose values arrive before its first state message. */
  private lookupEntry(elementId: string): ElementEntry | undefined {
    const element = this.options.elements?.(elementId);
    if (!element) return undefined;
    const entry = this.entry(element.id);
    this.attachConnector(entry, element.connector);
    return entry;
  }

  private record(entry: ElementEntry, paramId: string, rowKey: string, displayKey: string, value: Value, t: number): void {
    const v = typeof value === 'number' ? value : typeof value === 'boolean' ? Number(value) : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    if (!Number.isFinite(v)) return;
    let series = entry.series.get(paramId, rowKey);
    if (!series) {
      series = this.openSeries(entry.id, paramId, rowKey, displayKey);
      entry.series.set(paramId, rowKey, series);
    }
    series.displayKey = displayKey;
    const { row } = series;
    const last = this.open.last(row);
    if (last === v) return;
    if (!series.opened) this.openBuckets(series, t);
    this.points.push({ seriesId: series.id, t, v });
    for (let window = 0; window < ROLLUPS.length; window++) {
      const bucket = t - (t % ROLLUPS[window].ms);
      if (bucket !== this.open.bucketStart(row, window)) {
        // Every window of a dirty series changed since its checkpoint: the closing bucket is written now.
        if (series.dirty) this.buckets.push(this.open.bucket(row, window, series.id));
        // The value that held when the bucket began belongs to it too.
        if (last === null) this.open.begin(row, window, bucket, 0, Infinity, -Infinity, 0);
        else this.open.begin(row, window, bucket, last, last, last, 1);
      }
      this.open.add(row, window, v);
    }
    if (!series.dirty) this.checkpoints.schedule(series, phaseOf(series.id), this.now());
    this.open.setLast(row, v);
    this.flushTimer.request();
  }

  /** Queues the series' open buckets for the next write. */
  private queueBuckets(series: Series): void {
    for (let window = 0; window < ROLLUPS.length; window++) this.buckets.push(this.open.bucket(series.row, window, series.id));
  }

  /** A row gone from its table: what its series gathered since its checkpoint is written with the next batch. */
  private closeSeries(entry: ElementEntry, paramId: string, rowKey: string): void {
    const series = entry.series.get(paramId, rowKey);
    if (!series) return;
    entry.series.delete(paramId, rowKey);
    if (series.dirty) {
      series.dirty = false;
      this.queueBuckets(series);
      this.flushTimer.request();
    }
    this.open.release(series.row);
  }

  /** A removed element's series: the store deletes them, so nothing of theirs is written any more. */
  private dropSeries(elementId: string): void {
    const entry = this.entries.get(elementId);
    if (!entry) return;
    for (const series of entry.series.values()) {
      series.dirty = false;
      this.open.release(series.row);
    }
  }

  private openSeries(elementId: string, paramId: string, rowKey: string, displayKey: string): Series {
    // A query per new series would be thousands of them when many elements are added.
    const storedId = this.storedElements.has(elementId) ? this.store.findSeries(elementId, paramId, rowKey) : undefined;
    const stored = storedId !== undefined;
    const id = stored ? storedId : ++this.lastSeriesId;
    if (!stored) this.newSeries.push({ id, elementId, paramId, rowKey });
    return { id, paramId, rowKey, displayKey, stored, row: this.open.allocate(), opened: false, dirty: false, dueSlot: 0 };
  }

  /** Opens the buckets of `t`; after a restart, continues those the last run left open. */
  private openBuckets(series: Series, t: number): void {
    for (let window = 0; window < ROLLUPS.length; window++) {
      const ms = ROLLUPS[window].ms;
      const bucket = t - (t % ms);
      const stored = series.stored ? this.store.bucket(series.id, ms, bucket) : undefined;
      if (stored) this.open.begin(series.row, window, bucket, stored.sum, stored.min, stored.max, stored.count);
      else this.open.begin(series.row, window, bucket, 0, Infinity, -Infinity, 0);
    }
    series.opened = true;
  }
}

function autoWindow(span: number): TrendWindow {
  if (span <= 6 * HOUR) return 'raw';
  if (span <= 7 * DAY) return '5m';
  if (span <= 90 * DAY) return '1h';
  return '1d';
}
