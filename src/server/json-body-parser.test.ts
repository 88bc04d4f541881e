import { describe, expect, it } from 'vitest';
import { exceedsDepth } from './json-body-parser.js';

describe('exceedsDepth', () => {
  it('counts nested arrays and objects', () => {
    expect(exceedsDepth('{"a":{"b":[1,[2]]}}', 4)).toBe(false);
    expect(exceedsDepth('{"a":{"b":[1,[2]]}}', 3)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(exceedsDepth(JSON.stringify({ name: '[[[[{{{{'.repeat(20) }), 2)).toBe(false);
    expect(exceedsDepth(JSON.stringify({ name: 'say \\"[[[[[[[[[[' }), 2)).toBe(false);
  });
});
