import { describe, expect, it } from 'vitest';
import { subscriptionFrames, SubscriptionSet, type Subscription } from './subscriptions.js';

const ids = (...elements: string[]): Subscription => ({ elements, overview: false });

describe('live subscriptions', () => {
  it('subscribes to the union of what open views claim', () => {
    const set = new SubscriptionSet();
    const card = set.claim(['b', 'a']);
    set.claim(['a']);
    expect(set.union()).toEqual(ids('a', 'b'));
    const all = set.claim('*');
    expect(set.union()).toEqual({ elements: '*', overview: false });
    set.release(all);
    set.release(card);
    expect(set.union()).toEqual(ids('a'));
  });
  it('keeps the overview independent of the element ids', () => {
    const set = new SubscriptionSet();
    const browser = set.claim('overview');
    const alarmConsole = set.claim('overview');
    expect(set.union()).toEqual({ elements: [], overview: true });
    const card = set.claim(['x']);
    expect(set.union()).toEqual({ elements: ['x'], overview: true });
    set.release(browser);
    expect(set.union()).toEqual({ elements: ['x'], overview: true });
    set.release(alarmConsole);
    expect(set.union()).toEqual(ids('x'));
    set.release(card);
    expect(set.union()).toEqual(ids());
  });
  it('sends only the difference, and leaves "*" with an unsubscribe', () => {
    const all: Subscription = { elements: '*', overview: false };
    expect(subscriptionFrames(null, ids())).toEqual([]);
    expect(subscriptionFrames(null, ids('a'))).toEqual([{ subscribe: { elements: ['a'] } }]);
    expect(subscriptionFrames(ids('a'), ids('a'))).toEqual([]);
    expect(subscriptionFrames(ids('a', 'b'), ids('b', 'c'))).toEqual([{ subscribe: { elements: ['c'] } }, { unsubscribe: { elements: ['a'] } }]);
    expect(subscriptionFrames(ids('a'), all)).toEqual([{ subscribe: { elements: '*' } }]);
    expect(subscriptionFrames(all, ids('x'))).toEqual([{ unsubscribe: { elements: '*' } }, { subscribe: { elements: ['x'] } }]);
    expect(subscriptionFrames(all, ids())).toEqual([{ unsubscribe: { elements: '*' } }]);
  });
  it('turns the overview on and off in the same frames as the element ids', () => {
    const overview = (...elements: string[]): Subscription => ({ elements, overview: true });
    expect(subscriptionFrames(null, overview())).toEqual([{ subscribe: { overview: true } }]);
    expect(subscriptionFrames(null, overview('a'))).toEqual([{ subscribe: { elements: ['a'], overview: true } }]);
    expect(subscriptionFrames(overview('a'), overview('a'))).toEqual([]);
    expect(subscriptionFrames(overview('a'), ids('a'))).toEqual([{ unsubscribe: { overview: true } }]);
    expect(subscriptionFrames(overview('a'), ids('b'))).toEqual([{ subscribe: { elements: ['b'] } }, { unsubscribe: { elements: ['a'], overview: true } }]);
    expect(subscriptionFrames({ elements: '*', overview: true }, ids('x'))).toEqual([
      { unsubscribe: { elements: '*', overview: true } },
      { subscribe: { elements: ['x'] } },
    ]);
  });
});
