import { describe, expect, it } from 'vitest';
import { subscriptionFrames, SubscriptionSet } from './subscriptions.js';

describe('live subscriptions', () => {
  it('subscribes to the union of what open views claim', () => {
    const set = new SubscriptionSet();
    const card = set.claim(['b', 'a']);
    set.claim(['a']);
    expect(set.union()).toEqual(['a', 'b']);
    const browser = set.claim('*');
    expect(set.union()).toBe('*');
    set.release(browser);
    set.release(card);
    expect(set.union()).toEqual(['a']);
  });
  it('sends only the difference, and leaves "*" with an unsubscribe', () => {
    expect(subscriptionFrames(null, ['a'])).toEqual([{ subscribe: { elements: ['a'] } }]);
    expect(subscriptionFrames(['a'], ['a'])).toEqual([]);
    expect(subscriptionFrames(['a', 'b'], ['b', 'c'])).toEqual([{ subscribe: { elements: ['c'] } }, { unsubscribe: { elements: ['a'] } }]);
    expect(subscriptionFrames(['a'], '*')).toEqual([{ subscribe: { elements: '*' } }]);
    expect(subscriptionFrames('*', ['x'])).toEqual([{ unsubscribe: { elements: '*' } }, { subscribe: { elements: ['x'] } }]);
    expect(subscriptionFrames('*', [])).toEqual([{ unsubscribe: { elements: '*' } }]);
  });
});
