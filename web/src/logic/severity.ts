/** Alarm severities, highest first, as operators rank them. */
export const SEVERITIES = ['error', 'timeout', 'critical', 'major', 'minor', 'warning', 'normal'] as const;

/** Rank of a severity: 0 is the highest; unknown words rank below normal. */
export function severityRank(severity: string): number {
  const index = (SEVERITIES as readonly string[]).indexOf(severity);
  return index === -1 ? SEVERITIES.length : index;
}

/** The highest severity per element among the given active alarms. */
export function highestSeverityByElement(alarms: Iterable<{ elementId: string; severity: string }>): Map<string, string> {
  const highest = new Map<string, string>();
  for (const alarm of alarms) {
    if (alarm.severity === 'normal') continue;
    const current = highest.get(alarm.elementId);
    if (current === undefined || severityRank(alarm.severity) < severityRank(current)) {
      highest.set(alarm.elementId, alarm.severity);
    }
  }
  return highest;
}
