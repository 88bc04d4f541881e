/**
 * The Trends tab's list: the element's trended parameters, and each row of a trended column,
 * named the way the card names them.
 */
import { trendColumn, type TrendTarget } from './trend-target.js';

interface ShapeLike {
  id: string;
  name: string;
  unit?: string;
  decimals?: number;
}

interface TableLike {
  id: string;
  name: string;
  columns: ShapeLike[];
  rows: Iterable<{ key: string; displayKey: string }>;
}

export interface TrendEntry {
  target: TrendTarget;
  name: string;
  unit?: string;
  decimals?: number;
}

export interface TrendGroup {
  title: string;
  entries: TrendEntry[];
}

export function trendGroups(trended: readonly string[], params: readonly ShapeLike[], tables: readonly TableLike[]): TrendGroup[] {
  const paramEntries: TrendEntry[] = [];
  const groups: TrendGroup[] = [];
  for (const paramId of trended) {
    const column = trendColumn(paramId);
    if (!column) {
      const param = params.find((candidate) => candidate.id === paramId);
      paramEntries.push({ target: { paramId }, name: param?.name ?? paramId, unit: param?.unit, decimals: param?.decimals });
      continue;
    }
    const table = tables.find((candidate) => candidate.id === column.tableId);
    const shape = table?.columns.find((candidate) => candidate.id === column.columnId);
    const columnName = shape?.name ?? column.columnId;
    const rows = [...(table?.rows ?? [])].sort((a, b) => a.displayKey.localeCompare(b.displayKey, undefined, { numeric: true }));
    groups.push({
      title: `${table?.name ?? column.tableId} · ${columnName}`,
      entries: rows.map((row) => ({ target: { paramId, row: row.key }, name: `${row.displayKey} ${columnName}`, unit: shape?.unit, decimals: shape?.decimals })),
    });
  }
  return paramEntries.length ? [{ title: 'Parameters', entries: paramEntries }, ...groups] : groups;
}
