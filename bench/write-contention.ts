/**
 * What an audit record costs the event loop while the store's write thread commits value
 * batches back to back (the worst case: thousands of elements changing at once), written
 * on the main connection (waiting for SQLite's write lock inside the event loop) and
 * through the write thread (waiting in its queue, the event loop free).
 *
 *   npm run build && node dist/bench/write-contention.js [records=200] [rowsPerBatch=10000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuditLog } from '../src/security/audit-log.js';
import { directStatementWriter, type StatementWriter } from '../src/store/statement-writer.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { StoredRow } from '../src/store/types.js';
import { percentile } from './percentiles.js';

const RECORDS = Number(process.argv[2] ?? 200);
const ROWS_PER_BATCH = Number(process.argv[3] ?? 10_000);
const ELEMENTS = 2_000;

async function measure(store: SqliteStore, writer: StatementWriter, label: string): Promise<void> {
  const audit = new AuditLog(store.db, writer);
  let pumping = true;
  let batches = 0;
  const pump = (async () => {
    while (pumping) {
      const rows: StoredRow[] = [];
      for (let i = 0; i < ROWS_PER_BATCH; i++) {
        const elementId = `element-${i % ELEMENTS}`;
        rows.push({ elementId, tableId: 'inputs', key: String(i % 8), displayKey: `Input ${i % 8}`, cells: { rxBitrate: batches, name: 'PRO460 field unit' }, updatedAt: Date.now() });
      }
      await store.writeBatch({ params: [], rows, deletedRows: [], events: [] });
      batches++;
    }
  })();
  const blocked: number[] = [];
  const committed: number[] = [];
  for (let i = 0; i < RECORDS; i++) {
    await sleep(20);
    const started = performance.now();
    const written = audit.record({ user: 'bench', address: null, action: 'action.run', target: 'playStream', result: 'ok' });
    blocked.push(performance.now() - started);
    await written;
    committed.push(performance.now() - started);
  }
  pumping = false;
  await pump;
  const figure = (values: number[], p: number) => (percentile(values, p) ?? NaN).toFixed(1);
  process.stdout.write(
    `${label}: event loop blocked per record p50 ${figure(blocked, 50)} ms, p99 ${figure(blocked, 99)} ms, max ${figure(blocked, 100)} ms; ` +
      `committed after p50 ${figure(committed, 50)} ms, p99 ${figure(committed, 99)} ms (${batches} batches of ${ROWS_PER_BATCH} rows meanwhile)\n`,
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tally-contention-'));
  const store = SqliteStore.open(join(dir, 'tally.db'), { writeThread: true });
  try {
    for (let i = 0; i < ELEMENTS; i++) {
      await store.saveElement({
        id: `element-${i}`,
        name: `StreamHub ${i}`,
        connector: 'haivision-manager',
        connection: { host: '127.0.0.1', port: 8893, tls: false, skipTlsVerify: false, deviceAddress: 'ByPassProxy', requestTimeout: 5000, elementTimeout: 30000, retries: 2 },
        config: {},
        sealedSecrets: {},
        pollIntervals: {},
        operatorState: 'active',
        createdAt: 0,
        updatedAt: 0,
      });
    }
    await measure(store, directStatementWriter(store.db), 'on the main connection');
    await measure(store, store.statementWriter, 'through the write thread');
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
