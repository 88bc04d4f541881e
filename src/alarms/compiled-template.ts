/**
 * A template turned into lookups the evaluation hot path can use without allocating:
 * rules indexed by parameter and by table, wildcards compiled once, hysteresis in ms.
 */
import {
  RULE_SEVERITIES,
  type AlarmRule,
  type AlarmTemplate,
  type ColumnDef,
  type ConnectorDefinition,
  type RuleSeverity,
  type Value,
} from '../sdk/index.js';
import { compileWildcard } from './wildcard.js';

export type Verdict = RuleSeverity | 'normal';

export interface CompiledRule {
  readonly id: string;
  /** The alarm's `paramId`: the parameter id, or `<tableId>.<columnId>` for a column. */
  readonly paramId: string;
  readonly tableId: string | null;
  readonly columnId: string | null;
  /** Null = every row. */
  readonly rowFilter: RegExp | null;
  /** Cells a row must have for the rule to watch it; null = no condition. */
  readonly where: readonly (readonly [string, string])[] | null;
  readonly raiseMs: number;
  readonly clearMs: number;
  severityOf(value: Value): Verdict;
  /** The alarm message an operator reads, e.g. "SDI 1 Status is Error". */
  describe(value: Value, severity: Verdict, displayKey: string | null): string;
}

export interface CompiledTemplate {
  readonly rules: readonly CompiledRule[];
  readonly byParam: ReadonlyMap<string, readonly CompiledRule[]>;
  readonly byTable: ReadonlyMap<string, readonly CompiledRule[]>;
}

/** The id of a trended or alarmed table column, as the API names it. */
export const columnKey = (tableId: string, columnId: string): string => `${tableId}.${columnId}`;

/** Whether the rule watches this row: display key filter and cell conditions. */
export function watchesRow(rule: CompiledRule, displayKey: string, cells: Record<string, Value>): boolean {
  if (rule.rowFilter && !rule.rowFilter.test(displayKey)) return false;
  if (rule.where) for (const [columnId, value] of rule.where) if (String(cells[columnId] ?? '') !== value) return false;
  return true;
}

export function compileTemplate(template: AlarmTemplate, connector: ConnectorDefinition): CompiledTemplate {
  const rules: CompiledRule[] = [];
  const byParam = new Map<string, CompiledRule[]>();
  const byTable = new Map<string, CompiledRule[]>();
  for (const rule of template.rules) {
    if (rule.enabled === false) continue;
    const compiled = compileRule(rule, connector);
    if (!compiled) continue;
    rules.push(compiled);
    const index = compiled.tableId === null ? byParam : byTable;
    const key = compiled.tableId ?? compiled.paramId;
    const list = index.get(key);
    if (list) list.push(compiled);
    else index.set(key, [compiled]);
  }
  return { rules, byParam, byTable };
}

function compileRule(rule: AlarmRule, connector: ConnectorDefinition): CompiledRule | undefined {
  let shape: ColumnDef | undefined;
  let tableId: string | null = null;
  let columnId: string | null = null;
  let rowFilter: RegExp | null = null;
  let where: [string, string][] | null = null;
  if ('param' in rule.target) {
    const paramId = rule.target.param;
    shape = connector.params.find((p) => p.id === paramId);
  } else {
    const { table, column, rowFilter: filter } = rule.target;
    shape = connector.tables.find((t) => t.id === table)?.columns.find((c) => c.id === column);
    tableId = table;
    columnId = column;
    rowFilter = filter && filter !== '*' ? compileWildcard(filter) : null;
    const conditions = Object.entries(rule.target.where ?? {});
    where = conditions.length > 0 ? conditions.map(([columnId, value]) => [columnId, String(value)]) : null;
  }
  // A connector upgrade may drop what an old override names: such a rule simply has nothing to watch.
  if (!shape) return undefined;
  const severityOf = severityFunction(rule);
  const label = shape.name;
  const show = displayFunction(shape);
  return {
    id: rule.id,
    paramId: tableId === null ? shape.id : columnKey(tableId, shape.id),
    tableId,
    columnId,
    rowFilter,
    where,
    raiseMs: (rule.hysteresis?.raiseSeconds ?? 0) * 1000,
    clearMs: (rule.hysteresis?.clearSeconds ?? 0) * 1000,
    severityOf,
    describe(value, severity, displayKey) {
      const subject = displayKey ? `${displayKey} ${label}` : label;
      if (rule.kind !== 'threshold' || severity === 'normal') return `${subject} is ${show(value)}`;
      const band = rule.thresholds[severity];
      const number = toNumber(value);
      if (band?.high !== undefined && number > band.high) return `${subject} is ${show(value)}, above ${band.high}`;
      return `${subject} is ${show(value)}, below ${band?.low}`;
    },
  };
}

function severityFunction(rule: AlarmRule): (value: Value) => Verdict {
  switch (rule.kind) {
    case 'threshold': {
      const bands = RULE_SEVERITIES.flatMap((severity) => {
        const band = rule.thresholds[severity];
        return band ? [{ severity, low: band.low ?? -Infinity, high: band.high ?? Infinity }] : [];
      });
      return (value) => {
        const number = toNumber(value);
        if (Number.isNaN(number)) return 'normal';
        for (const band of bands) if (number < band.low || number > band.high) return band.severity;
        return 'normal';
      };
    }
    case 'discrete': {
      const map = new Map<string, RuleSeverity>();
      for (const { value, severity } of rule.values) map.set(String(value), severity);
      return (value) => (value === null ? 'normal' : (map.get(String(value)) ?? 'normal'));
    }
    case 'pattern': {
      // Most severe first, so the first match is the verdict.
      const patterns = [...rule.patterns]
        .sort((a, b) => RULE_SEVERITIES.indexOf(a.severity) - RULE_SEVERITIES.indexOf(b.severity))
        .map(({ pattern, severity }) => ({ regex: compileWildcard(pattern), severity }));
      return (value) => {
        if (value === null) return 'normal';
        const text = String(value);
        for (const { regex, severity } of patterns) if (regex.test(text)) return severity;
        return 'normal';
      };
    }
  }
}

function toNumber(value: Value): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return NaN;
}

function displayFunction(shape: ColumnDef): (value: Value) => string {
  const labels = new Map((shape.discretes ?? []).map((d) => [String(d.value), d.label]));
  const unit = shape.unit ? ` ${shape.unit}` : '';
  return (value) => {
    if (value === null) return 'not set';
    const label = labels.get(String(value));
    if (label !== undefined) return label;
    return typeof value === 'number' ? `${value}${unit}` : String(value);
  };
}
