import { describe, expect, it } from 'vitest';
import { WorkQueue } from './work-queue.js';

const item = (name: string) => ({ name, queued: false });

describe('WorkQueue', () => {
  it('runs operator work first, never queues a poll twice, and lets pollNow jump the polls', () => {
    const queue = new WorkQueue<{ name: string; queued: boolean }>();
    const fast = item('fast');
    const slow = item('slow');
    const status = item('status');
    expect(queue.pushPoll(fast)).toBe(true);
    expect(queue.pushPoll(slow)).toBe(true);
    expect(queue.pushPoll(fast)).toBe(false);
    queue.pushPoll(status);
    queue.pushHead(item('action1'));
    queue.pushHead(item('action2'));
    queue.pollNow(status);
    expect(queue.snapshot().map((work) => work.name)).toEqual(['action1', 'action2', 'status', 'fast', 'slow']);
    const order: string[] = [];
    for (let work = queue.shift(); work; work = queue.shift()) order.push(work.name);
    expect(order).toEqual(['action1', 'action2', 'status', 'fast', 'slow']);
    expect(queue.pushPoll(fast)).toBe(true);
  });

  it('returns the waiting operator work when cleared', () => {
    const queue = new WorkQueue<{ name: string; queued: boolean }>();
    const poll = item('poll');
    queue.pushPoll(poll);
    queue.pushHead(item('set'));
    expect(queue.clear().map((work) => work.name)).toEqual(['set']);
    expect(queue.size).toBe(0);
    expect(poll.queued).toBe(false);
  });
});
