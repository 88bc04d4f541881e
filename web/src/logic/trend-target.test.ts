import { describe, expect, it } from 'vitest';
import { parseTrendPath, sameTarget, trendColumn, trendPath } from './trend-target.js';

describe('trend targets', () => {
  it('tells parameters from table columns', () => {
    expect(trendColumn('activeInputs')).toBeNull();
    expect(trendColumn('inputs.rxBitrate')).toEqual({ tableId: 'inputs', columnId: 'rxBitrate' });
  });

  it('round-trips through the route, a column needing its row', () => {
    expect(parseTrendPath(trendPath({ paramId: 'activeInputs' }))).toEqual({ paramId: 'activeInputs' });
    expect(parseTrendPath(trendPath({ paramId: 'inputs.rxBitrate', row: 'in 2/a' }))).toEqual({ paramId: 'inputs.rxBitrate', row: 'in 2/a' });
    expect(parseTrendPath(['inputs.rxBitrate'])).toBeNull();
    expect(parseTrendPath([])).toBeNull();
  });

  it('compares targets by parameter and row', () => {
    expect(sameTarget({ paramId: 'a.b', row: '1' }, { paramId: 'a.b', row: '1' })).toBe(true);
    expect(sameTarget({ paramId: 'a.b', row: '1' }, { paramId: 'a.b', row: '2' })).toBe(false);
    expect(sameTarget(null, { paramId: 'x' })).toBe(false);
  });
});
