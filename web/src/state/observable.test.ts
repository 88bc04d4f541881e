import { describe, expect, it } from 'vitest';
import { Observable } from './observable.js';

describe('Observable', () => {
  it('tells a watcher at once of a value set between its read and its subscription', () => {
    const connectors = new Observable<string[] | null>(null);
    const seen = connectors.value;
    connectors.set(['haivision-manager']);
    const told: Array<string[] | null> = [];
    connectors.watchFrom(seen, (value) => told.push(value));
    expect(told).toEqual([['haivision-manager']]);
  });

  it('tells a watcher that is up to date only of later sets, and nothing once it has gone', () => {
    const count = new Observable(1);
    const told: number[] = [];
    const stop = count.watchFrom(count.value, (value) => told.push(value));
    expect(told).toEqual([]);
    count.set(2);
    stop();
    count.set(3);
    expect(told).toEqual([2]);
  });
});
