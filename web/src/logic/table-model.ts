/**
 * A table as the UI holds it: rows by key (so a live update touches only its rows), and
 * the sorted, filtered list the grid draws.
 */
import type { ColumnDef, Discrete, RowView } from '../api/types.js';
import { formatValue } from './format.js';

export type TableColumn = ColumnDef & { discretes?: Discrete[] };
export type SortDirection = 'ascending' | 'descending';
export interface SortOrder {
  column: string;
  direction: SortDirection;
}

/** Applies a live `rows` message in place: upserts by key, removes by key. */
export function applyRowChanges(rows: Map<string, RowView>, changed: readonly RowView[], removed: readonly string[]): void {
  for (const key of removed) rows.delete(key);
  for (const row of changed) rows.set(row.key, row);
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Sorts by one column: numbers and times by value, discretes by label, empty cells last. */
export function sortRows(rows: RowView[], columns: readonly TableColumn[], order: SortOrder | null): RowView[] {
  if (!order) return rows;
  const column = columns.find((c) => c.id === order.column);
  if (!column) return rows;
  const sign = order.direction === 'ascending' ? 1 : -1;
  const numeric = column.type === 'number' || column.type === 'timestamp';
  const keyed = rows.map((row) => {
    const raw = row.cells[column.id];
    const empty = raw === null || raw === undefined || raw === '';
    return { row, empty, text: empty ? '' : formatValue(column, raw), num: typeof raw === 'number' ? raw : Number(raw) };
  });
  keyed.sort((a, b) => {
    if (a.empty !== b.empty) return a.empty ? 1 : -1;
    if (a.empty) return 0;
    const diff = numeric && !Number.isNaN(a.num) && !Number.isNaN(b.num) ? a.num - b.num : collator.compare(a.text, b.text);
    return diff === 0 ? collator.compare(a.row.key, b.row.key) : sign * diff;
  });
  return keyed.map((entry) => entry.row);
}

/** Rows where every word of the filter appears in the display key or some shown cell. */
export function filterRows(rows: RowView[], columns: readonly TableColumn[], filter: string): RowView[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return rows;
  return rows.filter((row) => {
    const haystack = [row.displayKey, ...columns.map((column) => formatValue(column, row.cells[column.id] ?? null))]
      .join('\u0000')
      .toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

/** The next sort after a header click: ascending, descending, then back to unsorted. */
export function nextSortOrder(current: SortOrder | null, column: string): SortOrder | null {
  if (!current || current.column !== column) return { column, direction: 'ascending' };
  return current.direction === 'ascending' ? { column, direction: 'descending' } : null;
}
