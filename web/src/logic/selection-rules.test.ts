import { describe, expect, it } from 'vitest';
import type { ActionInfo } from '../api/types.js';
import { actionAvailability, confirmationText } from './selection-rules.js';

describe('selection rules', () => {
  const single = { selection: 'single' } as const;
  const multiple = { selection: 'multiple' } as const;
  it('enables a single-row item only with exactly one row selected', () => {
    expect(actionAvailability(single, 0, 'operator')).toEqual({ enabled: false, reason: 'select one row' });
    expect(actionAvailability(single, 1, 'operator')).toEqual({ enabled: true });
    expect(actionAvailability(single, 2, 'operator')).toEqual({ enabled: false, reason: 'select only one row' });
  });
  it('enables a multiple-row item with one or more rows', () => {
    expect(actionAvailability(multiple, 0, 'operator').enabled).toBe(false);
    expect(actionAvailability(multiple, 3, 'admin').enabled).toBe(true);
  });
  it('refuses below the minimum role (operator by default)', () => {
    expect(actionAvailability(single, 1, 'viewer')).toEqual({ enabled: false, reason: 'needs operator role' });
    expect(actionAvailability({ selection: 'none', minRole: 'admin' }, 0, 'operator')).toEqual({ enabled: false, reason: 'needs admin role' });
    expect(actionAvailability({ selection: 'none', minRole: 'viewer' }, 0, 'viewer').enabled).toBe(true);
  });
  it('always asks before a destructive action, and only then unless a text is given', () => {
    const stop = { label: 'Stop Stream', destructive: true } as Pick<ActionInfo, 'label' | 'destructive' | 'confirm'>;
    expect(confirmationText(stop, ['SDI 1', 'SDI 2'])).toBe('Stop Stream on SDI 1, SDI 2?');
    expect(confirmationText({ ...stop, confirm: 'Stop the live stream?' }, ['SDI 1'])).toBe('Stop the live stream?');
    expect(confirmationText({ label: 'Refresh' }, ['x'])).toBeNull();
  });
});
