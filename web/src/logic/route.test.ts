import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash } from './route.js';

describe('routes', () => {
  it('round-trips element card routes with odd ids', () => {
    const route = { view: 'element' as const, elementId: 'a b/c', pageId: 'outputs' };
    expect(parseRoute(routeHash(route))).toEqual(route);
    expect(parseRoute('')).toEqual({ view: 'elements' });
    expect(parseRoute('#/elements/new')).toEqual({ view: 'new-element' });
    const trend = { view: 'element' as const, elementId: 'e1', pageId: 'trends', rest: ['inputs.rxBitrate', 'row/1 a'] };
    expect(parseRoute(routeHash(trend))).toEqual(trend);
    expect(routeHash({ view: 'element', elementId: 'e1' })).toBe('#/elements/e1');
    expect(parseRoute('#/alarms/history')).toEqual({ view: 'other', path: ['alarms', 'history'] });
  });
});
