import { describe, expect, it } from 'vitest';
import { AdaptiveConcurrency, ceilingFor, nextLimit, type LimitChange } from './adaptive-concurrency.js';
import { ConcurrencyLimiter, type SlotUser } from './concurrency-limiter.js';

const bounds = { base: 64, max: 1024 };
const reading = (oldestWaitMs: number, averageInUse: number, eventLoopUtilization: number, missedRounds = 0, machineIdle = 0.5) => ({
  oldestWaitMs,
  missedRounds,
  averageInUse,
  eventLoopUtilization,
  machineIdle,
});

describe('the poll concurrency policy', () => {
  it('rises by half while polls wait a second or more and the event loop has room, up to the ceiling', () => {
    expect(nextLimit(64, reading(1_000, 64, 0.7), bounds)).toBe(96);
    expect(nextLimit(800, reading(5_000, 800, 0.5), bounds)).toBe(1024);
    expect(nextLimit(1024, reading(5_000, 1024, 0.5), bounds)).toBe(1024);
  });

  it('rises when polls miss rounds waiting for a slot, however short their wait (short intervals)', () => {
    expect(nextLimit(64, reading(400, 64, 0.5, 3), bounds)).toBe(96);
    expect(nextLimit(64, reading(400, 64, 0.95, 3), bounds)).toBe(64);
    expect(nextLimit(256, reading(100, 10, 0.5, 1), bounds)).toBe(384);
  });

  it('stays while the event loop or the machine is what limits polling, or while polls wait a little', () => {
    expect(nextLimit(64, reading(5_000, 64, 0.95), bounds)).toBe(64);
    expect(nextLimit(64, reading(5_000, 64, 0.5, 3, 0.05), bounds)).toBe(64);
    expect(nextLimit(96, reading(600, 20, 0.5), bounds)).toBe(96);
  });

  it('falls by a fifth once polls keep up and half the slots stand idle, never below the configured limit', () => {
    expect(nextLimit(256, reading(100, 60, 0.6), bounds)).toBe(204);
    expect(nextLimit(256, reading(100, 200, 0.6), bounds)).toBe(256);
    expect(nextLimit(70, reading(0, 10, 0.6), bounds)).toBe(64);
    expect(nextLimit(64, reading(0, 0, 0.1), bounds)).toBe(64);
  });

  it('lets a configured limit rise sixteenfold, to 2048 at most', () => {
    expect(ceilingFor(64)).toBe(1024);
    expect(ceilingFor(1)).toBe(16);
    expect(ceilingFor(2048)).toBe(2048);
  });
});

describe('AdaptiveConcurrency', () => {
  it('raises the limiter while polls wait, starting them at once, then brings it back once they keep up', async () => {
    let now = 0;
    let busy = 0.5;
    const limiter = new ConcurrencyLimiter(2, () => now);
    const changes: LimitChange[] = [];
    const adaptive = new AdaptiveConcurrency(limiter, { base: 2, max: 8 }, (change) => changes.push(change), {
      eventLoopBusy: () => busy,
      machineIdle: () => 0.3,
    });
    const finishers: (() => void)[] = [];
    const user = (): SlotUser => ({ slotTicket: null, runSlot: () => new Promise<void>((resolve) => void finishers.push(resolve)) });
    for (let n = 0; n < 10; n++) limiter.submit(user());

    now = 1_000;
    adaptive.adjust();
    expect([limiter.limit, limiter.active]).toEqual([3, 3]);
    busy = 0.95;
    now = 2_000;
    adaptive.adjust();
    expect(limiter.limit).toBe(3);
    busy = 0.5;
    for (const step of [5, 8, 8]) {
      now += 1_000;
      adaptive.adjust();
      expect(limiter.limit).toBe(step);
    }
    expect(limiter.active).toBe(8);

    for (const finish of finishers) finish();
    await new Promise((resolve) => setTimeout(resolve, 0));
    for (const finish of finishers.slice(8)) finish();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect([limiter.active, limiter.queued]).toEqual([0, 0]);
    now += 1_000;
    adaptive.adjust();
    now += 1_000;
    adaptive.adjust();
    expect(limiter.limit).toBe(4);
    for (let step = 0; step < 5; step++) {
      now += 1_000;
      adaptive.adjust();
    }
    expect(limiter.limit).toBe(2);
    expect(changes.map(({ from, to }) => `${from}→${to}`)).toEqual(['2→3', '3→5', '5→8', '8→6', '6→4', '4→3', '3→2']);
    expect(changes[0].reading).toEqual({ oldestWaitMs: 1_000, missedRounds: 0, averageInUse: 2, eventLoopUtilization: 0.5, machineIdle: 0.3 });
  });
});
