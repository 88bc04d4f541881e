/**
 * The store write thread's body: its own connection to Tally's SQLite file, on which it
 * runs the store's high-volume writes and the trend engine's batches in the order they were
 * sent, answering each with its id (and the error, when it failed). It also runs the WAL
 * checkpoints, which the main connection leaves to it, so neither the writes nor the
 * checkpoints block polling.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { prepareTrendWrites, type TrendWrites } from '../trends/trend-store.js';
import { openSqlite } from './sqlite-database.js';
import { prepareValueWrites } from './value-writes.js';
import type { StoreWriteReply, StoreWriteRequest, StoreWriteThreadData } from './store-write-protocol.js';

const { path, checkpointMs } = workerData as StoreWriteThreadData;
const db = openSqlite(path);
const writes = prepareValueWrites(db);
/**
 * Prepared at the first trend batch: the trend tables are created by the trend engine's
 * migrations on the main connection, which may run after this thread started (or never,
 * in a Tally without trends).
 */
let trendWrites: TrendWrites | undefined;
const port = parentPort;
if (!port) throw new Error('store-write-worker runs as a worker thread');

// Passive: copies what no reader still needs and never waits for anyone.
const checkpoints = setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), checkpointMs);

port.on('message', (request: StoreWriteRequest) => {
  if (request.kind === 'close') {
    clearInterval(checkpoints);
    db.pragma('wal_checkpoint(PASSIVE)');
    db.close();
    port.postMessage({ id: request.id } satisfies StoreWriteReply);
    port.close();
    return;
  }
  const reply: StoreWriteReply = { id: request.id };
  try {
    if (request.kind === 'values') writes.writeBatch(request.batch);
    else if (request.kind === 'deleteElement') writes.deleteElement(request.elementId);
    else (trendWrites ??= prepareTrendWrites(db))(request.batch);
  } catch (error) {
    reply.error = error instanceof Error ? error.message : String(error);
  }
  port.postMessage(reply);
});
