import { describe, expect, it } from 'vitest';
import { highestSeverityByElement, severityRank } from './severity.js';

describe('severities', () => {
  it('ranks error above timeout above critical', () => {
    expect(severityRank('error')).toBeLessThan(severityRank('timeout'));
    expect(severityRank('critical')).toBeLessThan(severityRank('warning'));
    expect(severityRank('whatever')).toBeGreaterThan(severityRank('normal'));
  });
  it('keeps the highest active severity per element', () => {
    const map = highestSeverityByElement([
      { elementId: 'a', severity: 'minor' },
      { elementId: 'a', severity: 'critical' },
      { elementId: 'a', severity: 'major' },
      { elementId: 'b', severity: 'normal' },
    ]);
    expect([...map]).toEqual([['a', 'critical']]);
  });
});
