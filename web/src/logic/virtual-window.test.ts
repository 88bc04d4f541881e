import { describe, expect, it } from 'vitest';
import { scrollToReveal, virtualWindow } from './virtual-window.js';

describe('virtual window', () => {
  it('draws the visible rows plus overscan and pads the rest', () => {
    const win = virtualWindow(1000, 30, 3000, 300, 5);
    expect(win.start).toBe(95);
    expect(win.end).toBe(100 + 11 + 5);
    expect(win.padTop).toBe(95 * 30);
    expect(win.padTop + (win.end - win.start) * 30 + win.padBottom).toBe(1000 * 30);
  });
  it('clamps at both ends and handles empty lists', () => {
    expect(virtualWindow(1000, 30, 0, 300, 5)).toMatchObject({ start: 0, padTop: 0 });
    const bottom = virtualWindow(1000, 30, 1_000_000, 300, 5);
    expect(bottom.end).toBe(1000);
    expect(bottom.padBottom).toBe(0);
    expect(bottom.start).toBeLessThan(1000);
    expect(virtualWindow(0, 30, 0, 300)).toEqual({ start: 0, end: 0, padTop: 0, padBottom: 0 });
  });
  it('scrolls just enough to reveal a row', () => {
    expect(scrollToReveal(5, 30, 0, 300)).toBeNull();
    expect(scrollToReveal(10, 30, 0, 300)).toBe(30);
    expect(scrollToReveal(2, 30, 300, 300)).toBe(60);
  });
});
