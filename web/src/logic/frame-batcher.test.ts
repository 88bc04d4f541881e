import { describe, expect, it } from 'vitest';
import { FrameBatcher } from './frame-batcher.js';

describe('frame batching', () => {
  it('delivers everything pushed before the frame in one call', () => {
    const frames: (() => void)[] = [];
    const delivered: number[][] = [];
    const batcher = new FrameBatcher<number>((items) => delivered.push(items), (callback) => frames.push(callback));
    batcher.push([1, 2]);
    batcher.push([3]);
    expect(frames).toHaveLength(1);
    expect(delivered).toEqual([]);
    frames[0]();
    expect(delivered).toEqual([[1, 2, 3]]);
    batcher.push([4]);
    expect(frames).toHaveLength(2);
  });
});
