/**
 * One connector table on a page: sortable, filterable, virtualized, updated live by row
 * key, with the table's context menu (right-click, Shift+F10, the menu key, or the
 * Actions button) following each action's selection rule and role.
 */
import { useMemo, useRef, useState } from 'preact/hooks';
import type { ActionInfo, RowView, SessionInfo } from '../api/types.js';
import { actionAvailability } from '../logic/selection-rules.js';
import { filterRows, nextSortOrder, sortRows, type SortOrder, type TableColumn } from '../logic/table-model.js';
import type { LiveTable } from '../state/use-element-card.js';
import { CellValue } from './cell-value.js';
import { ContextMenu } from './context-menu.js';
import { TrendLink } from './trend-link.js';
import type { ActionRunner } from './use-action-runner.js';
import { VirtualGrid, type GridColumn } from './virtual-grid.js';

interface TableSectionProps {
  elementId: string;
  table: LiveTable;
  actions: ActionInfo[];
  runner: ActionRunner;
  user: SessionInfo;
}

export function TableSection({ elementId, table, actions, runner, user }: TableSectionProps) {
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<SortOrder | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [menu, setMenu] = useState<{ x: number; y: number; keys: Set<string> } | null>(null);
  const returnFocus = useRef<HTMLElement | null>(null);
  // Hidden columns serve the connector's own actions (choice lists, defaults), not the operator.
  const columns = useMemo(() => (table.meta.columns as TableColumn[]).filter((column) => !column.hidden), [table.meta.columns]);

  const rows = useMemo(
    () => sortRows(filterRows([...table.rows.values()], columns, filter), columns, sort),
    [table.version, table.rows, filter, sort],
  );

  const selectedRows = (keys: ReadonlySet<string>) => [...keys].map((key) => table.rows.get(key)).filter((row): row is RowView => !!row);

  const gridColumns: GridColumn<RowView>[] = columns.map((column) => ({
    id: column.id,
    header: column.unit ? `${column.name} (${column.unit})` : column.name,
    width: columnWidth(column, column.id === table.meta.displayColumn),
    sortable: true,
    align: column.type === 'number' ? 'end' : undefined,
    render: column.trend
      ? (row) => (
          <span class="cell-trended">
            <CellValue shape={column} value={row.cells[column.id] ?? null} />
            <TrendLink elementId={elementId} target={{ paramId: `${table.meta.id}.${column.id}`, row: row.key }} name={`${row.displayKey} ${column.name}`} inGrid />
          </span>
        )
      : (row) => <CellValue shape={column} value={row.cells[column.id] ?? null} />,
  }));

  const openMenu = (x: number, y: number, keys: Set<string>) => {
    returnFocus.current = document.activeElement as HTMLElement | null;
    setMenu({ x, y, keys });
  };

  const closeMenu = () => {
    setMenu(null);
    returnFocus.current?.focus();
  };

  const choose = (actionId: string) => {
    const action = actions.find((candidate) => candidate.id === actionId);
    const rowsChosen = menu ? selectedRows(menu.keys) : [];
    closeMenu();
    if (action) runner.start(action, rowsChosen);
  };

  const liveSelection = selectedRows(selected);
  const staleCount = rows.reduce((count, row) => count + (row.stale ? 1 : 0), 0);

  return (
    <section class="panel table-section" aria-label={table.meta.name} data-table={table.meta.id}>
      <div class="panel-head">
        <h2>{table.meta.name}</h2>
        <span class="count">
          {rows.length === table.rows.size ? `${rows.length} rows` : `${rows.length} of ${table.rows.size} rows`}
          {liveSelection.length > 0 && ` · ${liveSelection.length} selected`}
          {staleCount > 0 && ` · ${staleCount} stale`}
        </span>
        <div class="toolbar">
          <input
            type="search"
            class="search search-small"
            placeholder="Filter rows"
            aria-label={`Filter ${table.meta.name}`}
            value={filter}
            onInput={(event) => setFilter(event.currentTarget.value)}
          />
          {actions.length > 0 && (
            <button
              type="button"
              aria-haspopup="menu"
              onClick={(event) => {
                const rect = (event.currentTarget as HTMLElement).getBoundingClientRect();
                openMenu(rect.left, rect.bottom + 2, new Set(liveSelection.map((row) => row.key)));
              }}
            >
              Actions ▾
            </button>
          )}
        </div>
      </div>
      <VirtualGrid
        label={table.meta.name}
        columns={gridColumns}
        rows={rows}
        rowKey={(row) => row.key}
        selected={selected}
        onSelect={setSelected}
        sort={sort}
        onSort={(column) => setSort(nextSortOrder(sort, column))}
        onContextMenu={actions.length ? openMenu : undefined}
        rowClass={(row) => (row.stale ? 'row-stale' : '')}
        emptyText={table.rows.size ? 'No row matches the filter.' : 'No rows.'}
      />
      {menu && (
        <ContextMenu
          label={`${table.meta.name} actions`}
          x={menu.x}
          y={menu.y}
          items={actions.map((action) => {
            const availability = actionAvailability(action, menu.keys.size, user.role);
            const waiting = runner.busy.has(action.id);
            return {
              id: action.id,
              label: action.label + (action.inputs?.length || action.confirm || action.destructive ? '…' : ''),
              enabled: availability.enabled && !waiting,
              reason: waiting ? 'running' : availability.reason,
              destructive: action.destructive,
            };
          })}
          onChoose={choose}
          onClose={closeMenu}
        />
      )}
    </section>
  );
}

function columnWidth(column: TableColumn, isDisplayColumn: boolean): string {
  // Headers are upper-case and must stay readable: the narrowest a column gets fits its header.
  const header = (column.unit ? column.name.length + column.unit.length + 3 : column.name.length) * 0.62 + 2.4;
  const track = (min: number, fr: number) => `minmax(${Math.max(min, header).toFixed(1)}rem, ${fr}fr)`;
  if (isDisplayColumn) return track(10, 2);
  switch (column.type) {
    case 'number':
      return track(5, 0.7);
    case 'timestamp':
      return track(10.5, 1);
    case 'boolean':
      return track(5, 0.6);
    case 'discrete':
      return track(7, 1);
    default:
      return track(8, 1.5);
  }
}
