/**
 * Builds the WHERE clause of a filtered query from optional filters, so every list query
 * (events, audit trail) binds its values as parameters and never splices them into SQL.
 */
export type SqlValue = string | number;

export class SqlConditions {
  readonly args: SqlValue[] = [];
  private readonly clauses: string[] = [];

  /** Adds `clause` with its `?` values, unless a filter value is undefined (filter not given). */
  add(clause: string, ...values: (SqlValue | undefined)[]): this {
    if (values.some((value) => value === undefined)) return this;
    this.clauses.push(clause);
    this.args.push(...(values as SqlValue[]));
    return this;
  }

  /** ` WHERE a AND b`, or nothing without filters. */
  get where(): string {
    return this.clauses.length ? ` WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

/** A caller's limit brought into [1, max]; `fallback` when none is given. */
export function clampLimit(limit: number | undefined, fallback: number, max: number): number {
  const wanted = limit === undefined || !Number.isFinite(limit) ? fallback : Math.floor(limit);
  return Math.max(1, Math.min(max, wanted));
}
