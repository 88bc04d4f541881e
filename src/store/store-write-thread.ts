/**
 * The store's write thread, seen from the main thread: last values, table rows, information
 * events, trend batches, audit records and alarm changes are written by a worker thread on a
 * connection of its own, so the event loop that polls thousands of elements and answers
 * operators never blocks on SQLite.
 * Requests are written in the order they are sent (a deletion after the values queued
 * before it), and each promise settles once its transaction has committed or failed.
 *
 * The worker starts with the first write. When it dies, what it had not answered is
 * rejected (the batching writer and the trend engine keep and retry those changes) and the
 * next write starts a new one.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../worker-thread.js';
import type { TrendBatch } from '../trends/trend-store.js';
import type { ValueBatch } from './types.js';
import type { SqlWrite, SqlWriteResult, StatementWriter } from './statement-writer.js';
import type { StoreWriteReply, StoreWriteRequest, StoreWriteThreadData } from './store-write-protocol.js';

/**
 * How often the thread checkpoints the WAL into the database file. Every second, not every
 * ten: at 10,000 elements the WAL takes about 10 MB a second (each changed row of a poll
 * dirties a page of its own). With a checkpoint every ten seconds, the bench's device farm,
 * at a lower priority than Tally, stalled 100–700 ms about every ten seconds, both of its
 * processes at once, and operators' commands waited at the devices for it; with one every
 * second far fewer such stalls came (bench/README.md, round 21). Pages are rarely written
 * twice within ten seconds, so the smaller checkpoints copy about as much in all.
 */
const CHECKPOINT_MS = 1_000;

/** Each kind of request without its number (distributes over the union). */
type Unnumbered<T> = T extends unknown ? Omit<T, 'id'> : never;
type Request = Unnumbered<StoreWriteRequest>;

interface Waiter {
  resolve(reply: StoreWriteReply): void;
  reject(error: Error): void;
}

/** A running worker and the requests it has not answered yet. */
interface Running {
  worker: Worker;
  waiting: Map<number, Waiter>;
}

export class StoreWriteThread implements StatementWriter {
  private running: Running | undefined;
  private nextId = 1;

  constructor(private readonly path: string) {}

  writeBatch(batch: ValueBatch): Promise<void> {
    return this.send({ kind: 'values', batch });
  }

  writeTrends(batch: TrendBatch): Promise<void> {
    return this.send({ kind: 'trends', batch });
  }

  deleteElement(elementId: string): Promise<void> {
    return this.send({ kind: 'deleteElement', elementId });
  }

  async run(writes: SqlWrite[]): Promise<SqlWriteResult[]> {
    return (await this.ask({ kind: 'statements', writes })).results ?? [];
  }

  /** Lets the thread finish what it was sent, checkpoint and close its connection. */
  async close(): Promise<void> {
    const running = this.running;
    if (!running) return;
    await this.send({ kind: 'close' });
    this.running = undefined;
    await running.worker.terminate();
  }

  private async send(request: Request): Promise<void> {
    await this.ask(request);
  }

  private ask(request: Request): Promise<StoreWriteReply> {
    const running = (this.running ??= this.spawn());
    const id = this.nextId++;
    // Held while it owes answers: a process waiting for its last writes must not exit under it.
    if (running.waiting.size === 0) running.worker.ref();
    return new Promise<StoreWriteReply>((resolve, reject) => {
      running.waiting.set(id, { resolve, reject });
      running.worker.postMessage({ ...request, id });
    });
  }

  private spawn(): Running {
    const workerData: StoreWriteThreadData = { path: this.path, checkpointMs: CHECKPOINT_MS };
    const running: Running = { worker: startWorker(import.meta.url, 'store-write-worker', { workerData }), waiting: new Map() };
    running.worker.on('message', (reply: StoreWriteReply) => {
      const waiter = running.waiting.get(reply.id);
      running.waiting.delete(reply.id);
      if (running.waiting.size === 0) running.worker.unref();
      if (reply.error === undefined) waiter?.resolve(reply);
      else waiter?.reject(new Error(reply.error));
    });
    running.worker.on('error', (error) => this.lose(running, error));
    running.worker.on('exit', (code) => this.lose(running, new Error(`the store write thread stopped (exit code ${code})`)));
    // An idle thread must not keep a finished process alive; close() is what ends it in order.
    running.worker.unref();
    return running;
  }

  private lose(running: Running, error: Error): void {
    if (this.running === running) this.running = undefined;
    for (const waiter of running.waiting.values()) waiter.reject(error);
    running.waiting.clear();
  }
}
