import { describe, expect, it } from 'vitest';
import { PendingPoints, pointColumns, type PointColumns } from './pending-points.js';

const point = (n: number) => ({ seriesId: n % 7, t: 1_700_000_000_000 + n * 250, v: n / 4 });
const asPoints = (columns: PointColumns) =>
  Array.from(columns.seriesIds, (seriesId, i) => ({ seriesId, t: columns.times[i], v: columns.values[i] }));

function pending(from: number, to: number): PendingPoints {
  const points = new PendingPoints();
  for (let n = from; n < to; n++) {
    const { seriesId, t, v } = point(n);
    points.push(seriesId, t, v);
  }
  return points;
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => point(from + i));

describe('PendingPoints', () => {
  it('hands over every point in order, past its first capacity, and starts empty again', () => {
    const points = pending(0, 5000);
    expect(points.length).toBe(5000);
    expect(asPoints(points.take())).toEqual(range(0, 5000));
    expect(points.length).toBe(0);
    expect(asPoints(points.take())).toEqual([]);
    points.push(3, 4, 5.5);
    expect(asPoints(points.take())).toEqual([{ seriesId: 3, t: 4, v: 5.5 }]);
  });

  it('gives columns of their own: later points do not change a batch taken before', () => {
    const points = pending(0, 10);
    const batch = points.take();
    for (let n = 100; n < 120; n++) points.push(point(n).seriesId, point(n).t, point(n).v);
    expect(asPoints(batch)).toEqual(range(0, 10));
  });

  it('puts a batch back before the points that came since', () => {
    const points = pending(0, 30);
    const batch = points.take();
    for (let n = 30; n < 40; n++) points.push(point(n).seriesId, point(n).t, point(n).v);
    points.restore(batch, 1_000);
    expect(asPoints(points.take())).toEqual(range(0, 40));
  });

  it('keeps only the newest when a batch put back would pass the limit', () => {
    for (const [batchSize, since, max] of [
      [30, 10, 35], // the oldest of the batch go
      [30, 10, 8], // all of the batch and some that came since go
      [30, 10, 10], // exactly those that came since remain
    ]) {
      const points = pending(0, batchSize);
      const batch = points.take();
      for (let n = batchSize; n < batchSize + since; n++) points.push(point(n).seriesId, point(n).t, point(n).v);
      points.restore(batch, max);
      expect(points.length).toBe(max);
      expect(asPoints(points.take())).toEqual(range(batchSize + since - max, batchSize + since));
    }
  });

  it('turns points into columns for batches made whole', () => {
    expect(asPoints(pointColumns(range(0, 3)))).toEqual(range(0, 3));
    expect(pointColumns([]).seriesIds).toHaveLength(0);
  });
});
