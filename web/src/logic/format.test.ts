import { describe, expect, it } from 'vitest';
import { formatAge, formatDuration, formatValue } from './format.js';

describe('formatting', () => {
  const status = { type: 'discrete' as const, discretes: [{ value: 2, label: 'Live' }, { value: 3, label: 'Error' }] };
  it('shows discrete labels, falling back to the raw value', () => {
    expect(formatValue(status, 2)).toBe('Live');
    expect(formatValue(status, '3')).toBe('Error');
    expect(formatValue(status, 9)).toBe('9');
    expect(formatValue(status, null)).toBe('');
  });
  it('applies decimals and reads booleans and durations', () => {
    expect(formatValue({ type: 'number', decimals: 1 }, 12.345)).toBe('12.3');
    expect(formatValue({ type: 'number', decimals: 0 }, null)).toBe('');
    expect(formatValue({ type: 'boolean' }, true)).toBe('Yes');
    expect(formatValue({ type: 'boolean' }, false)).toBe('No');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(2400)).toBe('2.4 s');
  });
  it('says how old a value is', () => {
    expect(formatAge(1_000, 6_000)).toBe('5 s ago');
    expect(formatAge(0, 3 * 60_000)).toBe('3 min ago');
    expect(formatAge(0, 5 * 3_600_000)).toBe('5 h ago');
  });
});
