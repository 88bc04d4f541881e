import { describe, expect, it } from 'vitest';
import { SeriesIndex } from './series-index.js';

describe('SeriesIndex', () => {
  it('keeps a series per parameter or column and row, the same row key apart for each column', () => {
    const index = new SeriesIndex<string>();
    index.set('temperature', '', 'param');
    index.set('inputs.rxBitrate', '1', 'bitrate of 1');
    index.set('inputs.rtt', '1', 'rtt of 1');
    index.set('outputs.status', '1', 'status of output 1');
    index.set('inputs.rxBitrate', '2', 'bitrate of 2');
    expect(index.get('temperature', '')).toBe('param');
    expect(index.get('inputs.rxBitrate', '1')).toBe('bitrate of 1');
    expect(index.get('outputs.status', '1')).toBe('status of output 1');
    expect(index.get('inputs.rxBitrate', '3')).toBeUndefined();
    expect(index.get('temperature', '1')).toBeUndefined();
    index.set('inputs.rxBitrate', '1', 'bitrate of 1, again');
    expect(index.get('inputs.rxBitrate', '1')).toBe('bitrate of 1, again');
    expect([...index.values()].sort()).toEqual(['bitrate of 1, again', 'bitrate of 2', 'param', 'rtt of 1', 'status of output 1']);
  });

  it('deletes one series, leaving the row’s others and the other rows', () => {
    const index = new SeriesIndex<string>();
    index.set('inputs.rxBitrate', '1', 'a');
    index.set('inputs.rtt', '1', 'b');
    index.set('inputs.rxBitrate', '2', 'c');
    index.delete('inputs.rxBitrate', '1');
    index.delete('inputs.loss', '1');
    index.delete('inputs.rxBitrate', 'nope');
    expect(index.get('inputs.rxBitrate', '1')).toBeUndefined();
    expect([...index.values()].sort()).toEqual(['b', 'c']);
    index.delete('inputs.rtt', '1');
    index.delete('inputs.rxBitrate', '2');
    expect([...index.values()]).toEqual([]);
  });
});
