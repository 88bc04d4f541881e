/**
 * A keyboard-driven, virtualized data grid: only the rows in view are drawn, selection is
 * kept by row key (so it survives live updates and re-sorting), and the context menu opens
 * from the mouse or from the keyboard (Shift+F10, the context-menu key).
 */
import type { ComponentChild } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { SortOrder } from '../logic/table-model.js';
import { scrollToReveal, virtualWindow } from '../logic/virtual-window.js';

const ROW_HEIGHT = 30;

export interface GridColumn<R> {
  id: string;
  header: string;
  /** CSS grid track, e.g. "minmax(8rem, 2fr)". */
  width: string;
  render: (row: R) => ComponentChild;
  sortable?: boolean;
  align?: 'end';
}

interface VirtualGridProps<R> {
  label: string;
  columns: GridColumn<R>[];
  rows: R[];
  rowKey: (row: R) => string;
  selected: ReadonlySet<string>;
  onSelect: (keys: Set<string>) => void;
  sort?: SortOrder | null;
  onSort?: (columnId: string) => void;
  onActivate?: (row: R) => void;
  /** Opens the context menu at a point for the current selection. */
  onContextMenu?: (x: number, y: number, keys: Set<string>) => void;
  rowClass?: (row: R) => string;
  /** Most rows shown before the grid scrolls. */
  maxVisibleRows?: number;
  emptyText: string;
}

export function VirtualGrid<R>(props: VirtualGridProps<R>) {
  const { columns, rows, rowKey, selected, onSelect, maxVisibleRows = 18 } = props;
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [activeKey, setActiveKey] = useState<string | null>(null);
  const [focusWanted, setFocusWanted] = useState(false);
  const anchor = useRef<string | null>(null);

  const viewportHeight = Math.max(1, Math.min(rows.length, maxVisibleRows)) * ROW_HEIGHT;
  const win = virtualWindow(rows.length, ROW_HEIGHT, scrollTop, viewportHeight);
  const activeIndex = activeKey === null ? -1 : rows.findIndex((row) => rowKey(row) === activeKey);
  const tabIndexRow = activeIndex >= 0 ? activeIndex : 0;
  // Tab must always find a row of the grid, even when the active one is scrolled out of the DOM.
  const tabbableRow = tabIndexRow >= win.start && tabIndexRow < win.end ? tabIndexRow : win.start;
  const template = columns.map((column) => column.width).join(' ');
  const rowStyle = { gridTemplateColumns: template, minWidth: minimumWidth(columns.map((column) => column.width)) };

  useLayoutEffect(() => {
    if (!focusWanted) return;
    setFocusWanted(false);
    viewport.current?.querySelector<HTMLElement>(`[data-index="${tabIndexRow}"]`)?.focus({ preventScroll: true });
  });

  const moveTo = (index: number, mode: 'select' | 'extend' | 'focus') => {
    if (rows.length === 0) return;
    const clamped = Math.max(0, Math.min(rows.length - 1, index));
    const key = rowKey(rows[clamped]);
    setActiveKey(key);
    if (mode === 'select') {
      anchor.current = key;
      onSelect(new Set([key]));
    } else if (mode === 'extend') {
      onSelect(rangeKeys(clamped));
    }
    const node = viewport.current;
    if (node) {
      const target = scrollToReveal(clamped, ROW_HEIGHT, node.scrollTop, viewportHeight);
      if (target !== null) {
        node.scrollTop = target;
        setScrollTop(target);
      }
    }
    setFocusWanted(true);
  };

  const rangeKeys = (toIndex: number): Set<string> => {
    const from = anchor.current === null ? -1 : rows.findIndex((row) => rowKey(row) === anchor.current);
    const start = from === -1 ? toIndex : Math.min(from, toIndex);
    const end = from === -1 ? toIndex : Math.max(from, toIndex);
    return new Set(rows.slice(start, end + 1).map(rowKey));
  };

  const openMenuAtRow = (index: number) => {
    const node = viewport.current?.querySelector<HTMLElement>(`[data-index="${index}"]`);
    const rect = node?.getBoundingClientRect() ?? viewport.current?.getBoundingClientRect();
    if (!rect) return;
    let keys = new Set(selected);
    const key = rows[index] ? rowKey(rows[index]) : null;
    if (key !== null && !keys.has(key)) {
      keys = new Set([key]);
      onSelect(keys);
    }
    props.onContextMenu?.(rect.left + 24, rect.top + rect.height, keys);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    // Keys belong to the rows; a header button or a button in a cell keeps its own (ArrowDown leads into the rows).
    const onRow = (event.target as HTMLElement).getAttribute('role') === 'row';
    if (!onRow && event.key !== 'ArrowDown') return;
    const page = Math.max(1, maxVisibleRows - 1);
    const mode = event.shiftKey ? 'extend' : event.ctrlKey || event.metaKey ? 'focus' : 'select';
    const here = activeIndex >= 0 ? activeIndex : 0;
    const steps: Record<string, number> = { ArrowDown: here + 1, ArrowUp: here - 1, PageDown: here + page, PageUp: here - page, Home: 0, End: rows.length - 1 };
    if (event.key in steps) {
      event.preventDefault();
      moveTo(activeIndex < 0 && event.key === 'ArrowDown' ? 0 : steps[event.key], mode);
    } else if (event.key === ' ' && activeKey !== null) {
      event.preventDefault();
      const keys = new Set(selected);
      if (keys.has(activeKey)) keys.delete(activeKey);
      else keys.add(activeKey);
      anchor.current = activeKey;
      onSelect(keys);
    } else if (event.key === 'Enter' && activeIndex >= 0) {
      event.preventDefault();
      props.onActivate?.(rows[activeIndex]);
    } else if ((event.key === 'F10' && event.shiftKey) || event.key === 'ContextMenu') {
      event.preventDefault();
      openMenuAtRow(tabIndexRow);
    } else if (event.key === 'a' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      onSelect(new Set(rows.map(rowKey)));
    } else if (event.key === 'Escape' && selected.size > 0) {
      onSelect(new Set());
    }
  };

  const onRowMouseDown = (event: MouseEvent, index: number) => {
    const key = rowKey(rows[index]);
    setActiveKey(key);
    if (event.button === 2) {
      if (!selected.has(key)) {
        anchor.current = key;
        onSelect(new Set([key]));
      }
      return;
    }
    if (event.shiftKey) {
      event.preventDefault();
      onSelect(rangeKeys(index));
    } else if (event.ctrlKey || event.metaKey) {
      const keys = new Set(selected);
      if (keys.has(key)) keys.delete(key);
      else keys.add(key);
      anchor.current = key;
      onSelect(keys);
    } else {
      anchor.current = key;
      onSelect(new Set([key]));
    }
  };

  const onRowContextMenu = (event: MouseEvent, index: number) => {
    if (!props.onContextMenu) return;
    event.preventDefault();
    const key = rowKey(rows[index]);
    props.onContextMenu(event.clientX, event.clientY, selected.has(key) ? new Set(selected) : new Set([key]));
  };

  const ariaSort = (columnId: string) =>
    props.sort?.column === columnId ? props.sort.direction : props.onSort && columns.find((c) => c.id === columnId)?.sortable ? 'none' : undefined;

  return (
    <div
      ref={viewport}
      class="grid grid-scroll"
      role="grid"
      aria-label={props.label}
      aria-rowcount={rows.length + 1}
      aria-colcount={columns.length}
      aria-multiselectable="true"
      style={{ height: viewportHeight + ROW_HEIGHT + 2 + 'px' }}
      onKeyDown={onKeyDown}
      onScroll={(event) => setScrollTop((event.currentTarget as HTMLDivElement).scrollTop)}
    >
      <div class="grid-row grid-head" role="row" aria-rowindex={1} style={rowStyle}>
        {columns.map((column) => (
          <div key={column.id} role="columnheader" aria-sort={ariaSort(column.id)} class={column.align === 'end' ? 'cell-end' : ''}>
            {column.sortable && props.onSort ? (
              <button type="button" class="sort-button" onClick={() => props.onSort?.(column.id)}>
                {column.header}
                {props.sort?.column === column.id && (
                  <span class="sort-mark" aria-hidden="true">
                    {props.sort.direction === 'ascending' ? '▲' : '▼'}
                  </span>
                )}
              </button>
            ) : (
              column.header
            )}
          </div>
        ))}
      </div>
      {rows.length === 0 ? (
        <div class="grid-empty" role="row" aria-rowindex={2}>
          <div role="gridcell">{props.emptyText}</div>
        </div>
      ) : (
        <div class="grid-body" style={{ paddingTop: win.padTop + 'px', paddingBottom: win.padBottom + 'px' }}>
          {rows.slice(win.start, win.end).map((row, offset) => {
            const index = win.start + offset;
            const key = rowKey(row);
            const isSelected = selected.has(key);
            return (
              <div
                key={key}
                role="row"
                data-index={index}
                data-key={key}
                aria-rowindex={index + 2}
                aria-selected={isSelected ? 'true' : 'false'}
                tabIndex={index === tabbableRow ? 0 : -1}
                class={`grid-row${index % 2 ? ' odd' : ''}${isSelected ? ' selected' : ''}${props.rowClass ? ' ' + props.rowClass(row) : ''}`}
                style={rowStyle}
                onMouseDown={(event) => onRowMouseDown(event, index)}
                onContextMenu={(event) => onRowContextMenu(event, index)}
                onDblClick={() => props.onActivate?.(row)}
                onFocus={() => setActiveKey(key)}
              >
                {columns.map((column) => (
                  <div key={column.id} role="gridcell" class={column.align === 'end' ? 'cell-end' : ''}>
                    {column.render(row)}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}

/** The narrowest a row may get (sum of the tracks' minimums), so narrow screens scroll sideways instead of squeezing columns. */
function minimumWidth(tracks: readonly string[]): string {
  const rem = tracks.reduce((sum, track) => sum + Number(/([\d.]+)rem/.exec(track)?.[1] ?? 4), 0);
  return `${rem + 1.5}rem`;
}
