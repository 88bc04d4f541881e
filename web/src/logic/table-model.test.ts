import { describe, expect, it } from 'vitest';
import type { RowView } from '../api/types.js';
import { applyRowChanges, filterRows, nextSortOrder, sortRows, type TableColumn } from './table-model.js';

const row = (key: string, cells: RowView['cells']): RowView => ({ key, displayKey: String(cells.name ?? key), cells, stale: false, updatedAt: 0 });
const columns: TableColumn[] = [
  { id: 'name', name: 'Name', type: 'string' },
  { id: 'status', name: 'Status', type: 'discrete', discretes: [{ value: 1, label: 'Idle' }, { value: 2, label: 'Live' }, { value: 3, label: 'Error' }] },
  { id: 'bitrate', name: 'Bitrate', type: 'number' },
];

describe('table model', () => {
  const rows = [row('c', { name: 'SDI 10', status: 3, bitrate: 5 }), row('a', { name: 'SDI 2', status: 2, bitrate: 12 }), row('b', { name: 'SDI 1', status: 1, bitrate: null })];
  it('sorts names naturally, numbers by value, discretes by label, empty cells last', () => {
    expect(sortRows(rows, columns, { column: 'name', direction: 'ascending' }).map((r) => r.key)).toEqual(['b', 'a', 'c']);
    expect(sortRows(rows, columns, { column: 'bitrate', direction: 'descending' }).map((r) => r.key)).toEqual(['a', 'c', 'b']);
    expect(sortRows(rows, columns, { column: 'status', direction: 'ascending' }).map((r) => r.key)).toEqual(['c', 'b', 'a']);
  });
  it('filters on every word against shown values', () => {
    expect(filterRows(rows, columns, 'live').map((r) => r.key)).toEqual(['a']);
    expect(filterRows(rows, columns, 'sdi 10').map((r) => r.key)).toEqual(['c']);
    expect(filterRows(rows, columns, 'error 5').map((r) => r.key)).toEqual(['c']);
    expect(filterRows(rows, columns, '  ')).toBe(rows);
  });
  it('applies live changes by key, in place', () => {
    const map = new Map(rows.map((r) => [r.key, r]));
    applyRowChanges(map, [row('a', { name: 'SDI 2', status: 3 }), row('d', { name: 'SDI 3' })], ['c']);
    expect([...map.keys()]).toEqual(['a', 'b', 'd']);
    expect(map.get('a')?.cells.status).toBe(3);
  });
  it('cycles a header through ascending, descending, unsorted', () => {
    const first = nextSortOrder(null, 'name');
    expect(first).toEqual({ column: 'name', direction: 'ascending' });
    const second = nextSortOrder(first, 'name');
    expect(second).toEqual({ column: 'name', direction: 'descending' });
    expect(nextSortOrder(second, 'name')).toBeNull();
    expect(nextSortOrder(second, 'status')).toEqual({ column: 'status', direction: 'ascending' });
  });
  it('keeps a thousand rows cheap to sort and filter', () => {
    const many = Array.from({ length: 1000 }, (_, i) => row(`k${i}`, { name: `Output ${i}`, status: (i % 3) + 1, bitrate: i }));
    const started = performance.now();
    for (let i = 0; i < 20; i++) sortRows(filterRows(many, columns, 'output'), columns, { column: 'status', direction: 'ascending' });
    expect((performance.now() - started) / 20).toBeLessThan(100);
  });
});
