import { ALARM_SEVERITIES, type AlarmSeverity } from '../sdk/index.js';

const RANK = new Map<AlarmSeverity, number>(ALARM_SEVERITIES.map((severity, index) => [severity, ALARM_SEVERITIES.length - 1 - index]));

/** Higher is more severe; `normal` is 0. */
export function severityRank(severity: AlarmSeverity): number {
  return RANK.get(severity) ?? 0;
}

export function isAlarmSeverity(value: unknown): value is AlarmSeverity {
  return typeof value === 'string' && RANK.has(value as AlarmSeverity);
}

/** The more severe of the two. */
export function worstOf(a: AlarmSeverity, b: AlarmSeverity): AlarmSeverity {
  return severityRank(a) >= severityRank(b) ? a : b;
}
