import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter, type SlotUser } from './concurrency-limiter.js';

describe('ConcurrencyLimiter', () => {
  it('runs at most `limit` users at once, first come first served', async () => {
    const limiter = new ConcurrencyLimiter(2);
    const started: number[] = [];
    const finishers: (() => void)[] = [];
    const user = (n: number): SlotUser => ({
      slotTicket: null,
      runSlot: () =>
        new Promise<void>((resolve) => {
          started.push(n);
          finishers.push(resolve);
        }),
    });
    for (let n = 1; n <= 5; n++) limiter.submit(user(n));
    expect(started).toEqual([1, 2]);
    expect([limiter.active, limiter.queued]).toEqual([2, 3]);
    finishers[1]();
    await Promise.resolve();
    await Promise.resolve();
    expect(started).toEqual([1, 2, 3]);
    finishers[0]();
    finishers[2]();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(started).toEqual([1, 2, 3, 4, 5]);
    expect(limiter.queued).toBe(0);
  });

  it('gives the slot back when a user throws', async () => {
    const limiter = new ConcurrencyLimiter(1);
    let ran = false;
    limiter.submit({
      slotTicket: null,
      runSlot: () => {
        throw new Error('bug');
      },
    });
    limiter.submit({ slotTicket: null, runSlot: async () => void (ran = true) });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(ran).toBe(true);
    expect(limiter.active).toBe(0);
  });

  it('serves operator work first, moving an element that already waits for polls', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const started: string[] = [];
    let finish: () => void = () => {};
    const user = (name: string): SlotUser => ({
      slotTicket: null,
      runSlot: () =>
        new Promise<void>((resolve) => {
          started.push(name);
          finish = resolve;
        }),
    });
    const busy = user('busy');
    const polls = [user('poll-1'), user('poll-2'), user('poll-3')];
    const operator = user('operator');
    limiter.submit(busy);
    for (const poll of polls) limiter.submit(poll);
    limiter.submit(operator, true);
    // poll-3 was waiting for its polls when an operator's action arrived for it.
    limiter.promote(polls[2]);
    expect(limiter.queued).toBe(4);
    const settle = async () => {
      finish();
      await new Promise((resolve) => setTimeout(resolve, 0));
    };
    for (let i = 0; i < 5; i++) await settle();
    expect(started).toEqual(['busy', 'operator', 'poll-3', 'poll-1', 'poll-2']);
    expect(limiter.queued).toBe(0);
  });

  it('never queues a user twice', () => {
    const limiter = new ConcurrencyLimiter(1);
    const started: string[] = [];
    const user = (name: string): SlotUser => ({ slotTicket: null,
      runSlot: () => new Promise<void>(() => void started.push(name)) });
    limiter.submit(user('busy'));
    const waiting = user('waiting');
    limiter.submit(waiting);
    limiter.submit(waiting);
    limiter.submit(waiting, true);
    expect(limiter.queued).toBe(1);
  });

  it('starts waiting users as soon as the limit rises, and none while a lowered limit is still exceeded', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const started: number[] = [];
    const finishers: (() => void)[] = [];
    const user = (n: number): SlotUser => ({
      slotTicket: null,
      runSlot: () => new Promise<void>((resolve) => void (started.push(n), finishers.push(resolve))),
    });
    for (let n = 1; n <= 6; n++) limiter.submit(user(n));
    limiter.setLimit(3);
    expect(started).toEqual([1, 2, 3]);
    limiter.setLimit(2);
    finishers[0]();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(started).toEqual([1, 2, 3]);
    finishers[1]();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(started).toEqual([1, 2, 3, 4]);
    expect(() => limiter.setLimit(0)).toThrow(/positive integer/);
  });

  it('tells how long the oldest user has waited and how many slots were in use on average', async () => {
    let now = 1_000;
    const limiter = new ConcurrencyLimiter(2, () => now);
    const finishers: (() => void)[] = [];
    const user = (): SlotUser => ({ slotTicket: null, runSlot: () => new Promise<void>((resolve) => void finishers.push(resolve)) });
    expect(limiter.oldestWaitMs()).toBe(0);
    limiter.submit(user());
    now = 1_500;
    limiter.submit(user());
    limiter.submit(user());
    now = 2_000;
    // One slot for 1 s and one for 0.5 s over the first second: 1.5 slots on average.
    expect(limiter.oldestWaitMs()).toBe(500);
    expect(limiter.takeAverageInUse()).toBe(1.5);
    finishers[0]();
    await new Promise((resolve) => setTimeout(resolve, 0));
    now = 3_000;
    // The third user got the freed slot at 2 s; nobody waits any more, both slots stayed in use.
    expect(limiter.oldestWaitMs()).toBe(0);
    expect(limiter.takeAverageInUse()).toBe(2);
  });
});
