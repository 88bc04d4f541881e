/**
 * The high-volume writes of the core store — last values, table rows, information events —
 * and the deletion of an element with its values. Shared by the store itself (in-thread
 * writes) and by the value write thread, which runs the same statements on a connection of
 * its own so that polling thousands of elements never waits for SQLite.
 */
import type { SqliteDatabase } from './sqlite-database.js';
import type { ValueBatch } from './types.js';

export interface ValueWrites {
  /** Writes the batch in one transaction. */
  writeBatch(batch: ValueBatch): void;
  /** Deletes the element, its values and its rows in one transaction (its events stay: they are history). */
  deleteElement(elementId: string): void;
}

export function prepareValueWrites(db: SqliteDatabase): ValueWrites {
  const upsertParam = db.prepare(
    `INSERT INTO param_values (element_id, param_id, value, updated_at)
     VALUES (?, ?, ?, ?)
     ON CONFLICT (element_id, param_id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  );
  const upsertRow = db.prepare(
    `INSERT INTO table_rows (element_id, table_id, row_key, display_key, cells, updated_at)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (element_id, table_id, row_key) DO UPDATE SET display_key = excluded.display_key,
       cells = excluded.cells, updated_at = excluded.updated_at`,
  );
  const deleteRow = db.prepare('DELETE FROM table_rows WHERE element_id = ? AND table_id = ? AND row_key = ?');
  const insertEvent = db.prepare('INSERT INTO info_events (time, element_id, kind, user, message, details) VALUES (?, ?, ?, ?, ?, ?)');
  const deleteParams = db.prepare('DELETE FROM param_values WHERE element_id = ?');
  const deleteRows = db.prepare('DELETE FROM table_rows WHERE element_id = ?');
  const deleteElement = db.prepare('DELETE FROM elements WHERE id = ?');

  return {
    writeBatch: db.transaction((batch: ValueBatch) => {
      for (const p of batch.params) upsertParam.run(p.elementId, p.paramId, JSON.stringify(p.value), p.updatedAt);
      for (const r of batch.rows) upsertRow.run(r.elementId, r.tableId, r.key, r.displayKey, JSON.stringify(r.cells), r.updatedAt);
      for (const d of batch.deletedRows) deleteRow.run(d.elementId, d.tableId, d.key);
      for (const e of batch.events) {
        insertEvent.run(e.time, e.elementId, e.kind, e.user, e.message, e.details === undefined ? null : JSON.stringify(e.details));
      }
    }),
    deleteElement: db.transaction((elementId: string) => {
      deleteParams.run(elementId);
      deleteRows.run(elementId);
      deleteElement.run(elementId);
    }),
  };
}

/**
 * The batch without the values and rows of elements that no longer exist: a write-behind
 * buffer may still hold them after a deletion, and they must not come back as orphans.
 * Events stay (they are history). Returns the batch itself when nothing is dropped.
 */
export function withoutUnknownElements(batch: ValueBatch, known: ReadonlySet<string>): ValueBatch {
  const isKnown = (change: { elementId: string }): boolean => known.has(change.elementId);
  if (batch.params.every(isKnown) && batch.rows.every(isKnown) && batch.deletedRows.every(isKnown)) return batch;
  return {
    params: batch.params.filter(isKnown),
    rows: batch.rows.filter(isKnown),
    deletedRows: batch.deletedRows.filter(isKnown),
    events: batch.events,
  };
}
