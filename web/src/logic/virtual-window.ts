/**
 * Which rows of a long list to draw: the ones in view plus a margin, with the blank space
 * above and below kept so the scrollbar tells the truth. Rows have a fixed height.
 */
export interface VirtualWindow {
  /** First row index drawn (inclusive). */
  start: number;
  /** Last row index drawn (exclusive). */
  end: number;
  /** Pixels of blank space before the first drawn row. */
  padTop: number;
  /** Pixels of blank space after the last drawn row. */
  padBottom: number;
}

export function virtualWindow(rowCount: number, rowHeight: number, scrollTop: number, viewportHeight: number, overscan = 8): VirtualWindow {
  if (rowCount <= 0 || rowHeight <= 0) return { start: 0, end: 0, padTop: 0, padBottom: 0 };
  const firstVisible = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visibleCount = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, Math.min(rowCount - 1, firstVisible) - overscan);
  const end = Math.min(rowCount, firstVisible + visibleCount + overscan);
  return { start, end, padTop: start * rowHeight, padBottom: (rowCount - end) * rowHeight };
}

/** The scrollTop that brings a row fully into view, or null when it already is. */
export function scrollToReveal(index: number, rowHeight: number, scrollTop: number, viewportHeight: number): number | null {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return bottom - viewportHeight;
  return null;
}
