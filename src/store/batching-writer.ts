/**
 * A write-behind buffer in front of a {@link Store}. The runtime hands it every change as it
 * happens; it keeps only the newest change per parameter and per table row, and writes them
 * all as one batch (one transaction) every `intervalMs` or as soon as `maxPending` changes
 * wait. One timer serves every element, so 10,000 elements cost one write per interval.
 */
import type { InfoEvent, Store, StoredParam, StoredRow, ValueBatch } from './types.js';

/** The part of a pino logger the writer uses. */
export interface WriterLogger {
  error(details: object, message: string): void;
}

export interface BatchingWriterOptions {
  /** How long a change may wait before it is written, ms. */
  intervalMs?: number;
  /** Write at once when this many changes wait. */
  maxPending?: number;
  logger?: WriterLogger;
  /** Called after every successful write, for metrics. */
  onFlush?: (durationMs: number, count: number) => void;
}

type RowChange = { deleted: false; row: StoredRow } | { deleted: true; elementId: string; tableId: string; key: string };

interface Pending {
  params: Map<string, StoredParam>;
  rows: Map<string, RowChange>;
  events: InfoEvent[];
}

const SEPARATOR = '\u0000';

export class BatchingWriter {
  /** Changes written since start (parameters, rows, row deletions and events). */
  rowsWritten = 0;
  /** Successful writes since start. */
  batches = 0;
  /** Failed writes since start (their changes were kept and retried). */
  failedBatches = 0;
  /** Duration of the last successful write, ms. */
  lastFlushMs = 0;

  private readonly intervalMs: number;
  private readonly maxPending: number;
  private pending: Pending = emptyPending();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private sizeFlushRequested = false;
  private failing = false;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly options: BatchingWriterOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 200;
    this.maxPending = options.maxPending ?? 5000;
  }

  /** Changes waiting to be written. */
  get pendingCount(): number {
    return this.pending.params.size + this.pending.rows.size + this.pending.events.length;
  }

  queueParam(param: StoredParam): void {
    this.assertOpen();
    this.pending.params.set(param.elementId + SEPARATOR + param.paramId, param);
    this.afterQueue();
  }

  queueRow(row: StoredRow): void {
    this.assertOpen();
    this.pending.rows.set(rowKey(row.elementId, row.tableId, row.key), { deleted: false, row });
    this.afterQueue();
  }

  queueRowDelete(elementId: string, tableId: string, key: string): void {
    this.assertOpen();
    this.pending.rows.set(rowKey(elementId, tableId, key), { deleted: true, elementId, tableId, key });
    this.afterQueue();
  }

  queueEvent(event: InfoEvent): void {
    this.assertOpen();
    this.pending.events.push(event);
    this.afterQueue();
  }

  /**
   * Drops the waiting values and rows of an element being deleted, so they cannot reach an
   * element later created under the same id. Its events stay: they are history.
   */
  forgetElement(elementId: string): void {
    const prefix = elementId + SEPARATOR;
    for (const key of this.pending.params.keys()) if (key.startsWith(prefix)) this.pending.params.delete(key);
    for (const key of this.pending.rows.keys()) if (key.startsWith(prefix)) this.pending.rows.delete(key);
  }

  /** Writes everything queued so far; rejects when the write fails (the changes are kept). */
  flush(): Promise<void> {
    const run = this.writing.then(() => this.writePending());
    this.writing = run.catch(() => undefined);
    return run;
  }

  /** Writes what is left and stops the timer; queueing afterwards is a programming error. */
  async close(): Promise<void> {
    this.closed = true;
    this.clearTimer();
    await this.flush();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('BatchingWriter is closed');
  }

  private afterQueue(): void {
    if (this.pendingCount >= this.maxPending && !this.failing && !this.sizeFlushRequested) {
      this.sizeFlushRequested = true;
      this.clearTimer();
      void this.flush().catch(() => undefined);
      return;
    }
    this.armTimer();
  }

  private armTimer(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush().catch(() => undefined);
    }, this.intervalMs);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async writePending(): Promise<void> {
    this.sizeFlushRequested = false;
    const taken = this.pending;
    const count = taken.params.size + taken.rows.size + taken.events.length;
    if (count === 0) return;
    this.pending = emptyPending();
    const started = performance.now();
    try {
      await this.store.writeBatch(toBatch(taken));
    } catch (error) {
      this.failedBatches++;
      this.failing = true;
      this.restore(taken);
      this.options.logger?.error({ err: error, pending: this.pendingCount }, 'store write failed; retrying');
      this.armTimer();
      throw error;
    }
    this.failing = false;
    this.lastFlushMs = performance.now() - started;
    this.batches++;
    this.rowsWritten += count;
    this.options.onFlush?.(this.lastFlushMs, count);
    if (this.pendingCount > 0) this.armTimer();
  }

  /** Puts a failed batch back; a change queued meanwhile is newer and wins. */
  private restore(failed: Pending): void {
    const current = this.pending;
    for (const [key, param] of failed.params) if (!current.params.has(key)) current.params.set(key, param);
    for (const [key, change] of failed.rows) if (!current.rows.has(key)) current.rows.set(key, change);
    current.events = failed.events.concat(current.events);
  }
}

function emptyPending(): Pending {
  return { params: new Map(), rows: new Map(), events: [] };
}

function rowKey(elementId: string, tableId: string, key: string): string {
  return elementId + SEPARATOR + tableId + SEPARATOR + key;
}

function toBatch(pending: Pending): ValueBatch {
  const batch: ValueBatch = { params: [...pending.params.values()], rows: [], deletedRows: [], events: pending.events };
  for (const change of pending.rows.values()) {
    if (change.deleted) batch.deletedRows.push({ elementId: change.elementId, tableId: change.tableId, key: change.key });
    else batch.rows.push(change.row);
  }
  return batch;
}
