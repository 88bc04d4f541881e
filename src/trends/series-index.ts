/**
 * An element's trend series, found by row key and parameter (or column) id. Two levels of
 * maps rather than one keyed by the two ids joined: that key would be a new string, built
 * and hashed, for every value recorded, while the ids themselves are the same strings poll
 * after poll and keep their hash.
 */
export class SeriesIndex<Series> {
  /** Row key ('' for a parameter) → parameter or column id → series. */
  private readonly byRow = new Map<string, Map<string, Series>>();

  get(paramId: string, rowKey: string): Series | undefined {
    return this.byRow.get(rowKey)?.get(paramId);
  }

  set(paramId: string, rowKey: string, series: Series): void {
    let row = this.byRow.get(rowKey);
    if (!row) {
      row = new Map();
      this.byRow.set(rowKey, row);
    }
    row.set(paramId, series);
  }

  delete(paramId: string, rowKey: string): void {
    const row = this.byRow.get(rowKey);
    if (!row?.delete(paramId)) return;
    if (row.size === 0) this.byRow.delete(rowKey);
  }

  *values(): Generator<Series> {
    for (const row of this.byRow.values()) yield* row.values();
  }
}
