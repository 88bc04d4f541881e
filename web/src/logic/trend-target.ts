/**
 * A trended series of an element: a parameter, or one row's cell of a trended column
 * (`<tableId>.<columnId>` with the row key). It travels in the card's route:
 * `#/elements/<id>/trends/<paramId>[/<row>]`.
 */
export interface TrendTarget {
  paramId: string;
  row?: string;
}

export const TRENDS_TAB = 'trends';

/** The table and column of a trended column id, or null for a parameter. */
export function trendColumn(paramId: string): { tableId: string; columnId: string } | null {
  const dot = paramId.indexOf('.');
  return dot === -1 ? null : { tableId: paramId.slice(0, dot), columnId: paramId.slice(dot + 1) };
}

/** The card route's rest after the Trends tab. */
export function trendPath(target: TrendTarget): string[] {
  return target.row === undefined ? [target.paramId] : [target.paramId, target.row];
}

/** The series the route names, if any; a column without a row names nothing yet. */
export function parseTrendPath(path: readonly string[]): TrendTarget | null {
  const [paramId, row] = path;
  if (!paramId) return null;
  if (trendColumn(paramId)) return row === undefined ? null : { paramId, row };
  return { paramId };
}

export function sameTarget(a: TrendTarget | null, b: TrendTarget | null): boolean {
  return !!a && !!b && a.paramId === b.paramId && a.row === b.row;
}
