/**
 * Checks an alarm template against the connector it monitors, so a mistake is refused with
 * the exact field at fault (`rules[2].target.column`) instead of silently never alarming.
 */
import {
  RULE_SEVERITIES,
  type AlarmRule,
  type AlarmTarget,
  type AlarmTemplate,
  type ColumnDef,
  type ConnectorDefinition,
  type Hysteresis,
  type RuleSeverity,
  type ThresholdBand,
} from '../sdk/index.js';
import { TallyError } from '../errors.js';

type Json = Record<string, unknown>;

const fail = (field: string, message: string): never => {
  throw new TallyError('VALIDATION', `${field}: ${message}`, field);
};

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Returns a clean copy of `input` or throws a VALIDATION {@link TallyError} naming the field. */
export function validateAlarmTemplate(input: unknown, connector: ConnectorDefinition): AlarmTemplate {
  if (!isObject(input)) fail('rules', 'a template is an object with a "rules" array');
  const rules = (input as Json).rules;
  if (!Array.isArray(rules)) fail('rules', 'must be an array');
  const seen = new Set<string>();
  return {
    rules: (rules as unknown[]).map((rule, index) => {
      const clean = validateRule(rule, `rules[${index}]`, connector);
      if (seen.has(clean.id)) fail(`rules[${index}].id`, `duplicate rule id "${clean.id}"`);
      seen.add(clean.id);
      return clean;
    }),
  };
}

function validateRule(input: unknown, at: string, connector: ConnectorDefinition): AlarmRule {
  if (!isObject(input)) fail(at, 'a rule is an object');
  const rule = input as Json;
  if (typeof rule.id !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(rule.id)) {
    fail(`${at}.id`, 'a rule id is 1-64 letters, digits, "_", "-" or "."');
  }
  const { target, shape } = validateTarget(rule.target, `${at}.target`, connector);
  const base = {
    id: rule.id as string,
    target,
    ...(rule.hysteresis !== undefined ? { hysteresis: validateHysteresis(rule.hysteresis, `${at}.hysteresis`) } : {}),
    ...(rule.enabled !== undefined ? { enabled: validateBoolean(rule.enabled, `${at}.enabled`) } : {}),
  };
  switch (rule.kind) {
    case 'threshold':
      if (shape.type !== 'number') fail(`${at}.kind`, `thresholds need a number, ${shape.id} is ${shape.type}`);
      return { ...base, kind: 'threshold', thresholds: validateThresholds(rule.thresholds, `${at}.thresholds`) };
    case 'discrete':
      return { ...base, kind: 'discrete', values: validateDiscretes(rule.values, `${at}.values`) };
    case 'pattern':
      return { ...base, kind: 'pattern', patterns: validatePatterns(rule.patterns, `${at}.patterns`) };
    default:
      return fail(`${at}.kind`, 'must be "threshold", "discrete" or "pattern"');
  }
}

function validateTarget(input: unknown, at: string, connector: ConnectorDefinition): { target: AlarmTarget; shape: ColumnDef } {
  if (!isObject(input)) fail(at, 'a target is {"param"} or {"table", "column", "rowFilter"?}');
  const target = input as Json;
  if (target.param !== undefined) {
    const param = connector.params.find((p) => p.id === target.param);
    if (!param) return fail(`${at}.param`, `connector ${connector.id} has no parameter "${String(target.param)}"`);
    if (param.secret) fail(`${at}.param`, `${param.id} is a secret and cannot be monitored`);
    return { target: { param: param.id }, shape: param };
  }
  const table = connector.tables.find((t) => t.id === target.table);
  if (!table) return fail(`${at}.table`, `connector ${connector.id} has no table "${String(target.table)}"`);
  const column = table.columns.find((c) => c.id === target.column);
  if (!column) return fail(`${at}.column`, `table ${table.id} has no column "${String(target.column)}"`);
  if (target.rowFilter !== undefined && (typeof target.rowFilter !== 'string' || target.rowFilter.length > 200)) {
    fail(`${at}.rowFilter`, 'must be a wildcard string (at most 200 characters)');
  }
  const where: Record<string, string | number | boolean> = {};
  if (target.where !== undefined) {
    if (!isObject(target.where)) fail(`${at}.where`, 'must map column ids to the values a row must have');
    for (const [columnId, value] of Object.entries(target.where as Json)) {
      if (!table.columns.some((c) => c.id === columnId)) fail(`${at}.where.${columnId}`, `table ${table.id} has no column "${columnId}"`);
      if (!['string', 'number', 'boolean'].includes(typeof value)) fail(`${at}.where.${columnId}`, 'must be a string, number or boolean');
      where[columnId] = value as string | number | boolean;
    }
  }
  return {
    target: {
      table: table.id,
      column: column.id,
      ...(target.rowFilter ? { rowFilter: target.rowFilter as string } : {}),
      ...(Object.keys(where).length > 0 ? { where } : {}),
    },
    shape: column,
  };
}

function validateHysteresis(input: unknown, at: string): Hysteresis {
  if (!isObject(input)) fail(at, 'must be {"raiseSeconds"?, "clearSeconds"?}');
  const hysteresis: Hysteresis = {};
  for (const key of ['raiseSeconds', 'clearSeconds'] as const) {
    const value = (input as Json)[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 86_400) {
      fail(`${at}.${key}`, 'must be a number of seconds between 0 and 86400');
    }
    hysteresis[key] = value as number;
  }
  return hysteresis;
}

function validateBoolean(input: unknown, at: string): boolean {
  if (typeof input !== 'boolean') fail(at, 'must be true or false');
  return input as boolean;
}

function validateSeverity(input: unknown, at: string): RuleSeverity {
  if (!RULE_SEVERITIES.includes(input as RuleSeverity)) fail(at, `must be one of ${RULE_SEVERITIES.join(', ')}`);
  return input as RuleSeverity;
}

function validateThresholds(input: unknown, at: string): Partial<Record<RuleSeverity, ThresholdBand>> {
  if (!isObject(input)) fail(at, 'must map severities to {"low"?, "high"?}');
  const thresholds: Partial<Record<RuleSeverity, ThresholdBand>> = {};
  for (const [severity, band] of Object.entries(input as Json)) {
    validateSeverity(severity, `${at}.${severity}`);
    if (!isObject(band)) fail(`${at}.${severity}`, 'must be {"low"?, "high"?}');
    const clean: ThresholdBand = {};
    for (const edge of ['low', 'high'] as const) {
      const value = (band as Json)[edge];
      if (value === undefined) continue;
      if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${at}.${severity}.${edge}`, 'must be a finite number');
      clean[edge] = value as number;
    }
    if (clean.low === undefined && clean.high === undefined) fail(`${at}.${severity}`, 'needs "low", "high" or both');
    if (clean.low !== undefined && clean.high !== undefined && clean.low >= clean.high) {
      fail(`${at}.${severity}.low`, 'must be below high');
    }
    thresholds[severity as RuleSeverity] = clean;
  }
  if (Object.keys(thresholds).length === 0) fail(at, 'needs at least one severity');
  return thresholds;
}

function validateDiscretes(input: unknown, at: string): { value: string | number | boolean; severity: RuleSeverity }[] {
  if (!Array.isArray(input) || input.length === 0) fail(at, 'must be a non-empty array of {"value", "severity"}');
  return (input as unknown[]).map((entry, index) => {
    if (!isObject(entry)) fail(`${at}[${index}]`, 'must be {"value", "severity"}');
    const { value, severity } = entry as Json;
    if (!['string', 'number', 'boolean'].includes(typeof value)) fail(`${at}[${index}].value`, 'must be a string, number or boolean');
    return { value: value as string | number | boolean, severity: validateSeverity(severity, `${at}[${index}].severity`) };
  });
}

function validatePatterns(input: unknown, at: string): { pattern: string; severity: RuleSeverity }[] {
  if (!Array.isArray(input) || input.length === 0) fail(at, 'must be a non-empty array of {"pattern", "severity"}');
  return (input as unknown[]).map((entry, index) => {
    if (!isObject(entry)) fail(`${at}[${index}]`, 'must be {"pattern", "severity"}');
    const { pattern, severity } = entry as Json;
    if (typeof pattern !== 'string' || pattern.length === 0 || pattern.length > 200) {
      fail(`${at}[${index}].pattern`, 'must be a wildcard string of 1-200 characters');
    }
    return { pattern: pattern as string, severity: validateSeverity(severity, `${at}[${index}].severity`) };
  });
}
