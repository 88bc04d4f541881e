import { describe, expect, it } from 'vitest';
import { PendingColumns, columnLength, columnsOf, type Columns } from './pending-columns.js';

const FIELDS = ['seriesId', 't', 'v'] as const;
type Field = (typeof FIELDS)[number];

const record = (n: number) => ({ seriesId: n % 7, t: 1_700_000_000_000 + n * 250, v: n / 4 });
const records = (columns: Columns<Field>) =>
  Array.from(columns.seriesId, (seriesId, i) => ({ seriesId, t: columns.t[i], v: columns.v[i] }));
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => record(from + i));

function pending(from: number, to: number): PendingColumns<Field> {
  const columns = new PendingColumns(FIELDS);
  for (const each of range(from, to)) columns.push(each);
  return columns;
}

describe('PendingColumns', () => {
  it('hands over every record in order, past its first capacity, and starts empty again', () => {
    const columns = pending(0, 5000);
    expect(columns.length).toBe(5000);
    const batch = columns.take();
    expect(columnLength(batch)).toBe(5000);
    expect(records(batch)).toEqual(range(0, 5000));
    expect(columns.length).toBe(0);
    expect(records(columns.take())).toEqual([]);
    columns.push({ seriesId: 3, t: 4, v: 5.5 });
    expect(records(columns.take())).toEqual([{ seriesId: 3, t: 4, v: 5.5 }]);
  });

  it('gives columns of their own: records pushed later do not change a batch taken before', () => {
    const columns = pending(0, 10);
    const batch = columns.take();
    for (const each of range(100, 120)) columns.push(each);
    expect(records(batch)).toEqual(range(0, 10));
  });

  it('puts a batch back before the records that came since', () => {
    const columns = pending(0, 30);
    const batch = columns.take();
    for (const each of range(30, 40)) columns.push(each);
    columns.restore(batch);
    expect(records(columns.take())).toEqual(range(0, 40));
  });

  it('keeps only the newest when a batch put back would pass the limit', () => {
    for (const [batchSize, since, max] of [
      [30, 10, 35], // the oldest of the batch go
      [30, 10, 8], // all of the batch and some that came since go
      [30, 10, 10], // exactly those that came since remain
    ]) {
      const columns = pending(0, batchSize);
      const batch = columns.take();
      for (const each of range(batchSize, batchSize + since)) columns.push(each);
      columns.restore(batch, max);
      expect(columns.length).toBe(max);
      expect(records(columns.take())).toEqual(range(batchSize + since - max, batchSize + since));
    }
  });

  it('turns records into columns for batches made whole', () => {
    expect(records(columnsOf(FIELDS, range(0, 3)))).toEqual(range(0, 3));
    expect(columnLength(columnsOf(FIELDS, []))).toBe(0);
  });
});
