import { describe, expect, it } from 'vitest';
import { CheckpointWheel, phaseOf, SERIES_PER_BLOCK, type Checkpointed } from './checkpoint-wheel.js';

const PERIOD = 60_000;
const T0 = 1_800_000_000_000;

interface Item extends Checkpointed {
  id: number;
}

const item = (id: number): Item => ({ id, dirty: false, dueSlot: 0 });

/** Takes what is due at each second from `from` to `to` (inclusive): the ids taken per second. */
function secondBySecond(wheel: CheckpointWheel<Item>, from: number, to: number): number[][] {
  const taken: number[][] = [];
  for (let t = from; t <= to; t += 1000) {
    const now: number[] = [];
    wheel.takeDue(t, false, (one) => now.push(one.id));
    taken.push(now);
  }
  return taken;
}

describe('checkpoint wheel', () => {
  it('writes each series at its own moment of the period, blocks of series spread over all of it', () => {
    const wheel = new CheckpointWheel<Item>(PERIOD, T0);
    const blocks = 56;
    const items = Array.from({ length: blocks * SERIES_PER_BLOCK }, (_, id) => item(id));
    for (const one of items) wheel.schedule(one, phaseOf(one.id), T0);

    const taken = secondBySecond(wheel, T0 + 1000, T0 + PERIOD);
    const counts = taken.map((ids) => ids.length);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(items.length);
    expect(new Set(taken.flat()).size).toBe(items.length);
    taken.forEach((ids, index) => {
      for (const id of ids) expect(index + 1).toBe(Math.floor(phaseOf(id) * 60) || 60);
    });
    // Blocks of consecutive series go together, about one a second.
    expect(Math.max(...counts)).toBeLessThanOrEqual(2 * SERIES_PER_BLOCK);
    for (const ids of taken) expect(new Set(ids.map((id) => Math.floor(id / SERIES_PER_BLOCK))).size).toBe(ids.length / SERIES_PER_BLOCK);
    expect(items.every((one) => !one.dirty)).toBe(true);
    expect(wheel.waiting).toBe(false);
  });

  it('writes an item that keeps changing once a period, never later than a period after it changed', () => {
    const wheel = new CheckpointWheel<Item>(PERIOD, T0);
    const busy = item(5);
    const phase = 0.25;
    wheel.schedule(busy, phase, T0 + 500);
    const writes: number[] = [];
    for (let t = T0 + 1000; t <= T0 + 5 * PERIOD; t += 1000) {
      wheel.takeDue(t, false, (one) => {
        writes.push(t);
        // The next point comes two seconds after the write: dirty again at once.
        wheel.schedule(one, phase, t + 2000);
      });
    }
    expect(writes.map((t) => t - T0)).toEqual([15_000, 75_000, 135_000, 195_000, 255_000]);
  });

  it('takes an item written meanwhile never, and one dirtied again at its new time only', () => {
    const wheel = new CheckpointWheel<Item>(PERIOD, T0);
    const closed = item(1);
    const redirtied = item(2);
    wheel.schedule(closed, 0, T0);
    wheel.schedule(redirtied, 0, T0);
    // Both written by their owner (their buckets closed); the second changes again 20 s later.
    closed.dirty = false;
    redirtied.dirty = false;
    wheel.schedule(redirtied, 0.5, T0 + 20_000);
    expect(redirtied.dueSlot * 1000).toBe(T0 + 30_000);

    const taken = secondBySecond(wheel, T0 + 1000, T0 + 3 * PERIOD);
    const when = taken.flatMap((ids, second) => ids.map((id) => ({ id, at: second + 1 })));
    expect(when).toEqual([{ id: 2, at: 30 }]);
    expect(wheel.waiting).toBe(false);
  });

  it('writes buckets reopened every second once a period, and holds nothing once they stop changing', () => {
    const wheel = new CheckpointWheel<Item>(PERIOD, T0);
    const items = Array.from({ length: 50 }, (_, id) => item(id * 97));
    let written = 0;
    for (let t = T0 + 1000; t <= T0 + 5 * PERIOD; t += 1000) {
      wheel.takeDue(t, false, () => written++);
      // Each bucket closes (written by its owner) and the next one opens: a stale entry each time.
      for (const one of items) {
        one.dirty = false;
        wheel.schedule(one, phaseOf(one.id), t);
      }
    }
    // Once a period each, at its moment, however often it reopened in between...
    expect(written).toBe(5 * 50);
    // ...and once more after the last change; then nothing is left, stale entries included.
    for (let t = T0 + 5 * PERIOD + 1000; t <= T0 + 7 * PERIOD; t += 1000) wheel.takeDue(t, false, () => written++);
    expect(written).toBe(6 * 50);
    expect(wheel.waiting).toBe(false);
  });

  it('hands over everything dirty at once when asked for all, whatever its time', () => {
    const wheel = new CheckpointWheel<Item>(PERIOD, T0);
    for (let id = 0; id < 100; id++) wheel.schedule(item(id), phaseOf(id), T0 + id * 100);
    const taken: number[] = [];
    wheel.takeDue(T0 + 1000, true, (one) => taken.push(one.id));
    expect(taken.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, id) => id));
    expect(wheel.waiting).toBe(false);
    wheel.takeDue(T0 + PERIOD, false, () => expect.unreachable());
  });

  it('after a long quiet spell, an item changed then is still taken at its time', () => {
    const wheel = new CheckpointWheel<Item>(PERIOD, T0);
    const late = T0 + 10 * PERIOD;
    const one = item(7);
    wheel.schedule(one, 0.5, late);
    const taken: number[] = [];
    wheel.takeDue(late + 1000, false, (due) => taken.push(due.id));
    expect(taken).toEqual([]);
    wheel.takeDue(late + 29_000, false, (due) => taken.push(due.id));
    expect(taken).toEqual([]);
    wheel.takeDue(late + 30_000, false, (due) => taken.push(due.id));
    expect(taken).toEqual([7]);
  });
});
