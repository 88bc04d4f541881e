import { afterEach, describe, expect, it, vi } from 'vitest';
import { BATCH_WINDOW_MS, Batch } from './http-thread-protocol.js';

describe('Batch', () => {
  afterEach(() => vi.useRealTimers());

  it('sends what came within the window as one message, with the buffers to transfer', () => {
    vi.useFakeTimers();
    const sent: { items: number[]; transfer: ArrayBuffer[] }[] = [];
    const batch = new Batch<number>((items, transfer) => sent.push({ items, transfer }));
    const body = new ArrayBuffer(8);
    batch.add(1);
    vi.advanceTimersByTime(BATCH_WINDOW_MS - 1);
    batch.add(2, body);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([{ items: [1, 2], transfer: [body] }]);
    batch.add(3);
    vi.advanceTimersByTime(BATCH_WINDOW_MS);
    expect(sent.map((message) => message.items)).toEqual([[1, 2], [3]]);
    expect(sent[1].transfer).toEqual([]);
  });
});
