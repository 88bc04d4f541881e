/**
 * A write-behind buffer in front of a {@link Store}. The runtime hands it every change as it
 * happens; it keeps only the newest change per parameter and per table row, and writes them
 * all as one batch (one transaction) every `intervalMs` or as soon as `maxPending` changes
 * wait. One timer serves every element, so 10,000 elements cost one write per interval.
 *
 * A deferrable change (a value that changes at nearly every poll, see `volatile` in the SDK)
 * waits in a second lane for `deferredIntervalMs`, counted from when its key entered the
 * lane: its last value only matters after a restart, where a minute-old bitrate is as good
 * as a fresh one. Each write takes the deferred keys that have waited that long, oldest
 * first; since elements poll at different moments, their keys come due at different
 * moments, and a lane of 40,000 rows is written a slice a second rather than all at once.
 * A key waits in one lane at a time, holding its newest change; a prompt change takes a
 * deferred one's place, and a deferrable change whose key already waits in the prompt lane
 * stays there, since that write goes out anyway.
 */
import type { InfoEvent, Store, StoredParam, StoredRow, ValueBatch } from './types.js';
import { WritesInTurn } from './writes-in-turn.js';

/** The part of a pino logger the writer uses. */
export interface WriterLogger {
  error(details: object, message: string): void;
}

export interface BatchingWriterOptions {
  /**
   * How long a change may wait before it is written, ms (default 1 s). Longer means fewer,
   * bigger transactions: every commit rewrites the B-tree pages it touched into the WAL.
   */
  intervalMs?: number;
  /** How long a deferrable change may wait before it is written, ms (default a minute). */
  deferredIntervalMs?: number;
  /** Write at once when this many prompt changes wait. */
  maxPending?: number;
  logger?: WriterLogger;
  /** Called after every successful write, for metrics. */
  onFlush?: (durationMs: number, count: number) => void;
}

interface RowDeletion {
  readonly deleted: true;
  readonly elementId: string;
  readonly tableId: string;
  readonly key: string;
}

/**
 * A row to write, or the deletion of one. A queued row may be the value cache's own object,
 * changed in place by later polls: whatever it holds when the batch is taken is written,
 * which is the newest change anyway.
 */
type RowChange = StoredRow | RowDeletion;

const isDeletion = (change: RowChange): change is RowDeletion => (change as Partial<RowDeletion>).deleted === true;

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
  private readonly deferredIntervalMs: number;
  private readonly maxPending: number;
  /** The prompt lane. */
  private pending: Pending = emptyPending();
  /** The deferred lane: parameters and rows only (no deletions, no events). */
  private deferred: Pending = emptyPending();
  /** When each deferred key entered the lane (Date.now), oldest first: Map keeps insertion order. */
  private readonly deferredSince = new Map<string, number>();
  /** The one timer: it runs while either lane holds something. */
  private timer: NodeJS.Timeout | undefined;
  private readonly writes = new WritesInTurn();
  private sizeFlushRequested = false;
  private failing = false;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly options: BatchingWriterOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.deferredIntervalMs = options.deferredIntervalMs ?? 60_000;
    this.maxPending = options.maxPending ?? 5000;
  }

  /** Changes waiting to be written, in both lanes. */
  get pendingCount(): number {
    return sizeOf(this.pending) + this.deferredCount;
  }

  /** Deferrable changes waiting for the deferred interval. */
  get deferredCount(): number {
    return sizeOf(this.deferred);
  }

  /**
   * `deferrable`: the value changes at nearly every poll and may wait for the deferred lane.
   * `key`: the parameter's {@link paramWriteKey}, for a caller that keeps it (see below).
   */
  queueParam(param: StoredParam, deferrable = false, key = paramWriteKey(param.elementId, param.paramId)): void {
    this.place(key, param, this.pending.params, this.deferred.params, deferrable);
  }

  /**
   * `deferrable`: only volatile cells changed, so the row may wait for the deferred lane.
   * `key`: the row's {@link rowWriteKey}. A key made afresh for every change lives until
   * the next write and dies in the old generation; the value cache makes one per row.
   */
  queueRow(row: StoredRow, deferrable = false, key = rowWriteKey(row.elementId, row.tableId, row.key)): void {
    this.place(key, row, this.pending.rows, this.deferred.rows, deferrable);
  }

  queueRowDelete(elementId: string, tableId: string, key: string): void {
    this.place(rowWriteKey(elementId, tableId, key), { deleted: true, elementId, tableId, key }, this.pending.rows, this.deferred.rows, false);
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
    for (const lane of [this.pending, this.deferred]) {
      for (const key of lane.params.keys()) if (key.startsWith(prefix)) lane.params.delete(key);
      for (const key of lane.rows.keys()) if (key.startsWith(prefix)) lane.rows.delete(key);
    }
    for (const key of this.deferredSince.keys()) if (key.startsWith(prefix)) this.deferredSince.delete(key);
  }

  /**
   * Writes the prompt changes queued so far, with the deferrable ones that have waited their
   * interval (the others keep waiting); rejects when the write fails (the changes are kept).
   */
  flush(): Promise<void> {
    return this.write(false);
  }

  /** Writes every change queued so far, deferrable ones included. */
  flushAll(): Promise<void> {
    return this.write(true);
  }

  /**
   * Writes what is left, deferrable changes included, and stops the timers; queueing
   * afterwards is a programming error.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.clearTimer();
    await this.flushAll();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('BatchingWriter is closed');
  }

  /** Files a change under its key in its lane (see the class comment). */
  private place<T>(key: string, change: T, prompt: Map<string, T>, deferred: Map<string, T>, deferrable: boolean): void {
    this.assertOpen();
    if (deferrable && !prompt.has(key)) {
      deferred.set(key, change);
      if (!this.deferredSince.has(key)) this.deferredSince.set(key, Date.now());
      this.armTimer();
      return;
    }
    if (deferred.delete(key)) this.deferredSince.delete(key);
    prompt.set(key, change);
    this.afterQueue();
  }

  private write(withDeferred: boolean): Promise<void> {
    return this.writes.run(() => {
      this.promoteDeferred(withDeferred ? Infinity : Date.now() - this.deferredIntervalMs);
      return this.writePending();
    });
  }

  /**
   * Moves the deferred keys that entered the lane at or before `enteredBy` into the prompt
   * lane (their keys never overlap) for its next write. Oldest first, so it stops at the
   * first key still young: a write with nothing due costs one look.
   */
  private promoteDeferred(enteredBy: number): void {
    for (const [key, since] of this.deferredSince) {
      if (since > enteredBy) break;
      this.deferredSince.delete(key);
      const param = this.deferred.params.get(key);
      if (param) {
        this.deferred.params.delete(key);
        this.pending.params.set(key, param);
        continue;
      }
      const change = this.deferred.rows.get(key);
      if (change) {
        this.deferred.rows.delete(key);
        this.pending.rows.set(key, change);
      }
    }
  }

  private afterQueue(): void {
    if (sizeOf(this.pending) >= this.maxPending && !this.failing && !this.sizeFlushRequested) {
      this.sizeFlushRequested = true;
      this.clearTimer();
      void this.flush().catch(() => undefined);
      return;
    }
    this.armTimer();
  }

  private armTimer(): void {
    if (this.timer || this.closed || this.pendingCount === 0) return;
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
    const count = sizeOf(taken);
    if (count === 0) {
      this.armTimer(); // deferred keys still waiting come due at a later tick
      return;
    }
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
    this.armTimer();
  }

  /** Puts a failed batch back in the prompt lane; a change queued meanwhile is newer and wins. */
  private restore(failed: Pending): void {
    putBack(failed.params, this.pending.params, this.deferred.params, this.deferredSince);
    putBack(failed.rows, this.pending.rows, this.deferred.rows, this.deferredSince);
    this.pending.events = failed.events.concat(this.pending.events);
  }
}

/**
 * Puts failed changes back in the prompt lane unless a newer one waits. A newer deferrable
 * one moves to the prompt lane in the failed one's place, as it would have had the failed
 * change still been waiting when it came.
 */
function putBack<T>(failed: Map<string, T>, prompt: Map<string, T>, deferred: Map<string, T>, deferredSince: Map<string, number>): void {
  for (const [key, change] of failed) {
    if (prompt.has(key)) continue;
    const newer = deferred.get(key);
    if (newer !== undefined) {
      deferred.delete(key);
      deferredSince.delete(key);
    }
    prompt.set(key, newer ?? change);
  }
}

function emptyPending(): Pending {
  return { params: new Map(), rows: new Map(), events: [] };
}

function sizeOf(pending: Pending): number {
  return pending.params.size + pending.rows.size + pending.events.length;
}

/** What the writer files a row's changes under: one waiting change per key. */
export function rowWriteKey(elementId: string, tableId: string, key: string): string {
  return elementId + SEPARATOR + tableId + SEPARATOR + key;
}

/** What the writer files a parameter's changes under. */
export function paramWriteKey(elementId: string, paramId: string): string {
  return elementId + SEPARATOR + paramId;
}

function toBatch(pending: Pending): ValueBatch {
  const batch: ValueBatch = { params: [...pending.params.values()], rows: [], deletedRows: [], events: pending.events };
  for (const change of pending.rows.values()) {
    if (isDeletion(change)) batch.deletedRows.push({ elementId: change.elementId, tableId: change.tableId, key: change.key });
    else batch.rows.push(change);
  }
  return batch;
}
