/**
 * The value write thread's body: its own connection to Tally's SQLite file, on which it
 * runs the store's high-volume writes in the order they were sent, answering each with its
 * id (and the error, when it failed). It also runs the WAL checkpoints, which the main
 * connection leaves to it, so neither the writes nor the checkpoints block polling.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from './sqlite-database.js';
import { prepareValueWrites } from './value-writes.js';
import type { ValueWriteReply, ValueWriteRequest, ValueWriteThreadData } from './value-write-protocol.js';

const { path, checkpointMs } = workerData as ValueWriteThreadData;
const db = openSqlite(path);
const writes = prepareValueWrites(db);
const port = parentPort;
if (!port) throw new Error('value-write-worker runs as a worker thread');

// Passive: copies what no reader still needs and never waits for anyone.
const checkpoints = setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), checkpointMs);

port.on('message', (request: ValueWriteRequest) => {
  if (request.kind === 'close') {
    clearInterval(checkpoints);
    db.pragma('wal_checkpoint(PASSIVE)');
    db.close();
    port.postMessage({ id: request.id } satisfies ValueWriteReply);
    port.close();
    return;
  }
  const reply: ValueWriteReply = { id: request.id };
  try {
    if (request.kind === 'batch') writes.writeBatch(request.batch);
    else writes.deleteElement(request.elementId);
  } catch (error) {
    reply.error = error instanceof Error ? error.message : String(error);
  }
  port.postMessage(reply);
});
