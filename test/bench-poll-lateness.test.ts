import { describe, expect, it } from 'vitest';
import { countByInterval, cycleLateness } from '../bench/poll-lateness.js';

const I = 10_000;

describe('poll cycle lateness as the device sees it', () => {
  it('measures a late poll against the ones around it and counts a missing one', () => {
    const arrivals = [0, I, 2 * I + 300, 3 * I, 5 * I, 6 * I];
    expect(cycleLateness(arrivals, I, 0, 6 * I + 1)).toEqual({ lateness: [0, 0, 300, 0, 0, 0], missed: 1, polls: 6 });
  });

  it('does not count a re-phase (a recovery spreads polls again) as lateness for the rest of the run', () => {
    const rephased = Array.from({ length: 20 }, (_, i) => 25 * I + 4_000 + i * I);
    const figures = cycleLateness([0, I, 2 * I, ...rephased], I, 0, 45 * I);
    // The new phase is 4 s later: counted late only until a cycle of the new phase is the
    // least late one of the last six, then on time.
    expect(figures.lateness.slice(-14)).toEqual(new Array(14).fill(0));
    expect(figures.missed).toBe(22);
    expect(figures.polls).toBe(23);
  });

  it('does not count a slot whose arrival fell just outside the window as missed, but does count one well inside', () => {
    // The polls of the first and last slots came 30 ms before the window opened and 20 ms
    // after it closed, the ones inside with the same jitter: the edges are a little over an
    // interval from the nearest arrival inside, and nothing was missed.
    expect(cycleLateness([-30, I + 20, 2 * I - 30, 3 * I + 20], I, 0, 3 * I).missed).toBe(0);
    // No poll for the last 1.6 intervals, nor the first 1.7: one slot at each end is missed.
    expect(cycleLateness([17_000, 27_000, 37_000], I, 0, 53_000).missed).toBe(2);
  });

  it('takes a second arrival in the same slot as an extra poll, not a cycle', () => {
    expect(cycleLateness([0, 100, I, 2 * I], I, 0, 2 * I + 1)).toEqual({ lateness: [0, 0, 0], missed: 0, polls: 3 });
  });
});

describe('polls counted by interval of the window', () => {
  it('adds each arrival to its interval and leaves out those outside the window', () => {
    const counts = [0, 0, 0];
    countByInterval([999, 1000, 5000, 10_999, 11_000, 25_000, 30_999, 31_000], 10_000, 1000, counts);
    expect(counts).toEqual([3, 1, 2]);
    countByInterval([1500], 10_000, 1000, counts);
    expect(counts).toEqual([4, 1, 2]);
  });
});
