/**
 * The store write thread's body: its own connection to Tally's SQLite file, on which it
 * runs the store's high-volume writes, the trend engine's batches and the statements of the
 * audit trail and the alarms in the order they were sent, answering each with its id (and
 * the error, when it failed). It also runs the WAL checkpoints, which the main connection
 * leaves to it, so neither the writes nor the checkpoints block polling.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { prepareTrendWrites, type TrendBatch, type TrendCutoffs, type TrendWrites } from '../trends/trend-store.js';
import { openSqlite } from './sqlite-database.js';
import { prepareValueWrites } from './value-writes.js';
import { statementRunner } from './statement-writer.js';
import type { StoreWriteReply, StoreWriteRequest, StoreWriteThreadData } from './store-write-protocol.js';

const { path, checkpointMs } = workerData as StoreWriteThreadData;
const db = openSqlite(path);
const writes = prepareValueWrites(db);
const runStatements = statementRunner(db);
/**
 * Prepared at the first trend batch: the trend tables are created by the trend engine's
 * migrations on the main connection, which may run after this thread started (or never,
 * in a Tally without trends).
 */
let trendWrites: TrendWrites | undefined;
if (!parentPort) throw new Error('store-write-worker runs as a worker thread');
const port = parentPort;

// Passive: copies what no reader still needs and never waits for anyone.
const checkpoints = setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), checkpointMs);

/** The prune under way, step by step; closing waits for it. */
let pruning: Promise<void> = Promise.resolve();

port.on('message', (request: StoreWriteRequest) => {
  if (request.kind === 'close') {
    void pruning.then(() => close(request.id));
    return;
  }
  const reply: StoreWriteReply = { id: request.id };
  try {
    if (request.kind === 'values') writes.writeBatch(request.batch);
    else if (request.kind === 'deleteElement') writes.deleteElement(request.elementId);
    else if (request.kind === 'statements') reply.results = runStatements(request.writes);
    else if (writeTrends(request.batch)) {
      pruning = prune(request.batch.prune as TrendCutoffs, reply);
      return;
    }
  } catch (error) {
    reply.error = errorText(error);
  }
  port.postMessage(reply);
});

/** Writes the batch; true when a prune follows (answered once its last step is done). */
function writeTrends(batch: TrendBatch): boolean {
  trendWrites ??= prepareTrendWrites(db);
  trendWrites.write(batch);
  return batch.prune !== undefined;
}

/**
 * A prune is many short transactions (a ten-second block of points each, see
 * TrendWrites.pruneStep) with a turn of this thread's loop between them, so the value
 * batches, audit records and alarm changes sent meanwhile are written in between rather than
 * after it.
 */
async function prune(cutoffs: TrendCutoffs, reply: StoreWriteReply): Promise<void> {
  const writes = trendWrites as TrendWrites;
  try {
    for (let after: number | null = 0; after !== null; ) {
      after = writes.pruneStep(cutoffs, after);
      if (after !== null) await nextTurn();
    }
  } catch (error) {
    reply.error = errorText(error);
  }
  port.postMessage(reply);
}

function close(id: number): void {
  clearInterval(checkpoints);
  db.pragma('wal_checkpoint(PASSIVE)');
  db.close();
  port.postMessage({ id } satisfies StoreWriteReply);
  port.close();
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
