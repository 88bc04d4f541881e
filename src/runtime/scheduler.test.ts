import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Scheduler, Timed } from './scheduler.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Scheduler', () => {
  it('fires items in due order from a single timer', async () => {
    const scheduler = new Scheduler();
    const fired: string[] = [];
    const items = Array.from({ length: 1000 }, (_, i) => new Timed(() => fired.push(`item${i}`)));
    items.forEach((item, i) => scheduler.schedule(item, 1000 + ((i * 7919) % 1000)));
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(fired).toHaveLength(1000);
    const dueOf = (name: string): number => 1000 + ((Number(name.slice(4)) * 7919) % 1000);
    const dues = fired.map(dueOf);
    expect(dues).toEqual([...dues].sort((a, b) => a - b));
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fires what came due within a tick together, at the tick, never early', async () => {
    const scheduler = new Scheduler(Date.now, 10);
    const fired: [string, number][] = [];
    const at = (name: string, due: number) => scheduler.schedule(new Timed(() => fired.push([name, Date.now()])), due);
    at('a', 101);
    at('b', 104);
    at('c', 110);
    at('d', 111);
    await vi.advanceTimersByTimeAsync(109);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(fired).toEqual([
      ['a', 110],
      ['b', 110],
      ['c', 110],
    ]);
    await vi.advanceTimersByTimeAsync(10);
    expect(fired.at(-1)).toEqual(['d', 120]);
  });

  it('moves, cancels and lets an item reschedule itself', async () => {
    const scheduler = new Scheduler();
    const fired: string[] = [];
    const a = new Timed(() => fired.push('a'));
    const b = new Timed(() => fired.push('b'));
    const tick: Timed = new Timed(() => {
      fired.push('tick');
      scheduler.schedule(tick, Date.now() + 100);
    });
    scheduler.schedule(a, 500);
    scheduler.schedule(b, 600);
    scheduler.schedule(tick, 100);
    scheduler.schedule(b, 50);
    scheduler.cancel(a);
    expect(scheduler.size).toBe(2);
    await vi.advanceTimersByTimeAsync(350);
    expect(fired).toEqual(['b', 'tick', 'tick', 'tick']);
    expect(a.scheduled).toBe(false);
    scheduler.stop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(fired).toHaveLength(4);
  });
});
