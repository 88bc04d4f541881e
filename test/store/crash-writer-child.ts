/**
 * Child process of the crash test: writes numbered batches as fast as it can and reports
 * each one on stdout only after the store said it was committed. The parent kills it with
 * SIGKILL in the middle of this loop.
 */
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { elementRecord } from './element-record.js';

const [path, elementId] = process.argv.slice(2);
const store = SqliteStore.open(path);
await store.saveElement(elementRecord(elementId, 'Crash test'));
process.stdout.write('ready\n');

const rows = Array.from({ length: 20 }, (_, i) => `row-${i}`);
for (let n = 1; n <= 1_000_000; n++) {
  await store.writeBatch({
    params: [{ elementId, paramId: 'counter', value: n, updatedAt: n }],
    rows: rows.map((key) => ({ elementId, tableId: 't', key, displayKey: key, cells: { n }, updatedAt: n })),
    deletedRows: [],
    events: [{ time: n, elementId, kind: 'info', user: null, message: `batch ${n}` }],
  });
  process.stdout.write(`committed ${n}\n`);
}
