import { describe, expect, it } from 'vitest';
import type { RowView } from '../api/types.js';
import { buildChoices, preselectChoice } from './choice-list.js';

const row = (key: string, displayKey: string, cells: RowView['cells']): RowView => ({ key, displayKey, cells, stale: false, updatedAt: 0 });

describe('choice lists', () => {
  const inputs = [
    row('u1', 'Field Unit 1', { name: 'Field Unit 1', connected: true, kind: 'field' }),
    row('u2', 'Field Unit 2', { name: 'Field Unit 2', connected: false, kind: 'field' }),
    row('s1', 'SRT in', { name: 'SRT in', connected: true, kind: 'other' }),
    row('u3', '', { name: null, connected: true, kind: 'field' }),
  ];
  it('offers row keys labelled by display key, filtered by where', () => {
    expect(buildChoices({ table: 'inputs', where: { connected: true, kind: 'field' } }, inputs)).toEqual([
      { value: 'u1', label: 'Field Unit 1' },
      { value: 'u3', label: 'u3' },
    ]);
  });
  it('uses the named value and label columns and drops duplicates and empty values', () => {
    const rows = [row('a', 'A', { code: 'x', title: 'X' }), row('b', 'B', { code: 'x', title: 'X2' }), row('c', 'C', { code: '', title: 'none' })];
    expect(buildChoices({ table: 't', valueColumn: 'code', labelColumn: 'title' }, rows)).toEqual([{ value: 'x', label: 'X' }]);
  });
  it('pre-selects by value, or by label when the row holds a name', () => {
    const choices = buildChoices({ table: 'inputs' }, inputs);
    expect(preselectChoice(choices, 'u2')).toBe('u2');
    expect(preselectChoice(choices, 'SRT in')).toBe('s1');
    expect(preselectChoice(choices, 'gone')).toBe('');
    expect(preselectChoice(choices, null)).toBe('');
  });
});
