import { describe, expect, it } from 'vitest';
import { coerceValue, displayValue, type ValueShape } from './value-rules.js';

const level: ValueShape = { name: 'Level', type: 'number', range: { min: 0, max: 10 }, decimals: 2, unit: 'dB' };
const mode: ValueShape = {
  name: 'Mode',
  type: 'discrete',
  discretes: [
    { value: 1, label: 'Normal' },
    { value: 2, label: 'Eco' },
  ],
};

describe('coerceValue', () => {
  it('accepts what an operator means and names the field otherwise', () => {
    expect(coerceValue(level, '4.5', 'value')).toBe(4.5);
    expect(coerceValue(mode, 'eco', 'value')).toBe(2);
    expect(coerceValue(mode, 1, 'value')).toBe(1);
    expect(coerceValue({ name: 'At', type: 'timestamp' }, '2026-01-01T00:00:00Z', 'value')).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(coerceValue({ name: 'On', type: 'boolean' }, 'true', 'value')).toBe(true);
    expect(() => coerceValue(level, 11, 'params.level')).toThrow(
      expect.objectContaining({ status: 400, field: 'params.level', message: 'Level must be at most 10' }),
    );
    expect(() => coerceValue(mode, 'Turbo', 'value')).toThrow('Mode must be one of: Normal, Eco');
    expect(() => coerceValue({ name: 'Name', type: 'string' }, 5, 'value')).toThrow('Name must be a string');
  });
});

describe('displayValue', () => {
  it('shows labels, decimals with units, and ISO times', () => {
    expect(displayValue(level, 3)).toBe('3.00 dB');
    expect(displayValue(mode, 2)).toBe('Eco');
    expect(displayValue({ name: 'At', type: 'timestamp' }, 0)).toBe('1970-01-01T00:00:00.000Z');
    expect(displayValue(level, null)).toBe('');
  });
});
