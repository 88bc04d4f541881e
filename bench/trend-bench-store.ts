/**
 * The store the trend write benchmarks measure: Tally's trend tables and statements on a
 * file database in WAL mode in a directory of its own (removed afterwards), with `series`
 * series registered, `perElement` to an element.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite, type SqliteDatabase } from '../src/store/sqlite-database.js';
import { TrendStore, bucketColumns, pointColumns, prepareTrendWrites, type TrendWrites } from '../src/trends/trend-store.js';

export interface TrendBenchStore {
  db: SqliteDatabase;
  /** The database file; its WAL is `${file}-wal`. */
  file: string;
  store: TrendStore;
  writes: TrendWrites;
}

export function withTrendStore(name: string, series: number, perElement: number, run: (bench: TrendBenchStore) => void): void {
  const dir = mkdtempSync(join(tmpdir(), `tally-${name}-`));
  const file = join(dir, 'tally.db');
  const db = openSqlite(file);
  try {
    const store = new TrendStore(db);
    const writes = prepareTrendWrites(db);
    const rows = Array.from({ length: series }, (_, i) => ({ id: i + 1, elementId: `element-${Math.floor(i / perElement)}`, paramId: `p${i % perElement}`, rowKey: '' }));
    writes.write({ series: rows, points: pointColumns([]), buckets: bucketColumns([]), removedElements: [] });
    run({ db, file, store, writes });
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
