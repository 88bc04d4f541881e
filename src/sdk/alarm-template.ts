/**
 * Alarm templates: which parameters and table columns an element monitors, and when a value
 * is an alarm. A connector ships a default template; each element may override it (API).
 * Templates are plain data so they travel as JSON through the API unchanged.
 */

/** Alarm severities, highest first. `normal` means "no alarm". */
export type AlarmSeverity = 'error' | 'timeout' | 'critical' | 'major' | 'minor' | 'warning' | 'normal';
export const ALARM_SEVERITIES: readonly AlarmSeverity[] = ['error', 'timeout', 'critical', 'major', 'minor', 'warning', 'normal'];

/** The severities a template rule may raise (error and timeout come from the element state). */
export type RuleSeverity = 'critical' | 'major' | 'minor' | 'warning';
export const RULE_SEVERITIES: readonly RuleSeverity[] = ['critical', 'major', 'minor', 'warning'];

/**
 * What a rule watches: one parameter, or one column of every row of a table whose display
 * key matches `rowFilter` (wildcards `*` and `?`, case-insensitive; all rows when omitted)
 * and whose cells equal `where` (a row that stops matching is normal for the rule).
 * @example { table: 'sdiOutputs', column: 'status', rowFilter: 'SDI *' }
 * @example { table: 'incidentHistoryLogs', column: 'severity', where: { state: 'active' } }
 */
export type AlarmTarget =
  | { param: string }
  | { table: string; column: string; rowFilter?: string; where?: Record<string, string | number | boolean> };

/** A value below `low` or above `high` (strictly) is in alarm. */
export interface ThresholdBand {
  low?: number;
  high?: number;
}

/**
 * Seconds a condition must hold before the alarm is raised (or escalated), and before it is
 * cleared (or de-escalated). Both default to 0: act at once.
 */
export interface Hysteresis {
  raiseSeconds?: number;
  clearSeconds?: number;
}

interface RuleBase {
  /** Unique within the template; identifies the alarm together with the row key. */
  id: string;
  target: AlarmTarget;
  hysteresis?: Hysteresis;
  /** A disabled rule raises nothing (and clears what it raised). Default true. */
  enabled?: boolean;
}

/**
 * Numeric thresholds per severity; the most severe band crossed wins.
 * @example { kind: 'threshold', thresholds: { major: { high: 80 }, warning: { high: 60, low: 5 } } }
 */
export interface ThresholdRule extends RuleBase {
  kind: 'threshold';
  thresholds: Partial<Record<RuleSeverity, ThresholdBand>>;
}

/**
 * Discrete values mapped to a severity; any other value is normal.
 * @example { kind: 'discrete', values: [{ value: 3, severity: 'major' }, { value: 4, severity: 'minor' }] }
 */
export interface DiscreteRule extends RuleBase {
  kind: 'discrete';
  values: { value: string | number | boolean; severity: RuleSeverity }[];
}

/**
 * String patterns with wildcards (`*`, `?`, case-insensitive); the most severe match wins.
 * @example { kind: 'pattern', patterns: [{ pattern: 'SRC_*', severity: 'major' }] }
 */
export interface PatternRule extends RuleBase {
  kind: 'pattern';
  patterns: { pattern: string; severity: RuleSeverity }[];
}

/** One monitored parameter or column and what makes it an alarm. */
export type AlarmRule = ThresholdRule | DiscreteRule | PatternRule;

/** The alarm monitoring of one element (or a connector's default for its elements). */
export interface AlarmTemplate {
  rules: AlarmRule[];
}
