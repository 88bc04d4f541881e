import { describe, expect, it } from 'vitest';
import { NO_SLOT, StringSlots } from './string-slots.js';

describe('string slots', () => {
  it('keeps one slot per distinct string, counted by its uses, and frees it with the last', () => {
    const slots = new StringSlots();
    const a = slots.use('GET');
    const b = slots.use(['/api', '/x'].join(''));
    expect(slots.use('GET')).toBe(a);
    expect(slots.use('/api/x')).toBe(b);
    expect(slots.size).toBe(2);
    slots.release(a);
    expect(slots.text(a)).toBe('GET');
    slots.release(a);
    expect(slots.size).toBe(1);
    // The freed slot goes to the next new string; the other is untouched.
    expect(slots.use('POST')).toBe(a);
    expect(slots.text(a)).toBe('POST');
    expect(slots.text(b)).toBe('/api/x');
    slots.release(NO_SLOT);
    expect(slots.size).toBe(2);
  });

  it('stays as small as the strings in use while they change all the time', () => {
    const slots = new StringSlots();
    const held: number[] = [];
    for (let n = 0; n < 10_000; n++) {
      held.push(slots.use(`/api/item?n=${n}`));
      if (held.length > 100) slots.release(held.shift() as number);
    }
    expect(slots.size).toBe(100);
    expect(Math.max(...held)).toBeLessThan(101);
    expect(slots.text(held[99])).toBe('/api/item?n=9999');
  });
});
