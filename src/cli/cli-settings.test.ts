import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseHttpThreads, resolveSettings } from './cli-settings.js';
import { UsageError } from './usage-error.js';

describe('HTTP threads setting', () => {
  it('takes a whole number from 0 to 64, the option before the environment', () => {
    expect(parseHttpThreads('0')).toBe(0);
    expect(parseHttpThreads('3')).toBe(3);
    expect(resolveSettings({}, { TALLY_HTTP_THREADS: '2' }).httpThreads).toBe(2);
    expect(resolveSettings({ 'http-threads': '1' }, { TALLY_HTTP_THREADS: '2' }).httpThreads).toBe(1);
  });

  it('refuses anything else, naming the option', () => {
    for (const text of ['-1', '1.5', 'two', '65']) {
      expect(() => parseHttpThreads(text)).toThrow(UsageError);
      expect(() => parseHttpThreads(text)).toThrow(`--http-threads must be a number from 0 to 64, not "${text}"`);
    }
  });

  it('leaves two cores to the event loop and the store by default, and uses at most four', () => {
    expect(parseHttpThreads(undefined)).toBe(Math.min(4, Math.max(0, availableParallelism() - 2)));
    expect(parseHttpThreads('')).toBe(parseHttpThreads(undefined));
  });
});
