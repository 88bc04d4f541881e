import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONCURRENCY } from '../runtime/element-manager.js';
import { parseHttpThreads, parsePollConcurrency, resolveSettings } from './cli-settings.js';
import { UsageError } from './usage-error.js';
import { DEFAULT_HEAP_GROWTH_PERCENT, parseHeapGrowth } from './heap-growth.js';

/** Each text is refused with a UsageError whose message names the option. */
function expectRefused(parse: (text: string) => number, texts: string[], message: (text: string) => string): void {
  for (const text of texts) {
    expect(() => parse(text)).toThrow(UsageError);
    expect(() => parse(text)).toThrow(message(text));
  }
}

describe('HTTP threads setting', () => {
  it('takes a whole number from 0 to 64, the option before the environment', () => {
    expect(parseHttpThreads('0')).toBe(0);
    expect(parseHttpThreads('3')).toBe(3);
    expect(resolveSettings({}, { TALLY_HTTP_THREADS: '2' }).httpThreads).toBe(2);
    expect(resolveSettings({ 'http-threads': '1' }, { TALLY_HTTP_THREADS: '2' }).httpThreads).toBe(1);
  });

  it('refuses anything else, naming the option', () => {
    expectRefused(parseHttpThreads, ['-1', '1.5', 'two', '65'], (text) => `--http-threads must be a number from 0 to 64, not "${text}"`);
  });

  it('leaves two cores to the event loop and the store by default, and uses at most four', () => {
    expect(parseHttpThreads(undefined)).toBe(Math.min(4, Math.max(0, availableParallelism() - 2)));
    expect(parseHttpThreads('')).toBe(parseHttpThreads(undefined));
  });
});

describe('poll concurrency setting', () => {
  it('takes a whole number from 1 to 2048, the option before the environment, and the runtime default otherwise', () => {
    expect(parsePollConcurrency(undefined)).toBe(DEFAULT_CONCURRENCY);
    expect(parsePollConcurrency('')).toBe(DEFAULT_CONCURRENCY);
    expect(parsePollConcurrency('1')).toBe(1);
    expect(parsePollConcurrency('2048')).toBe(2048);
    expect(resolveSettings({}, { TALLY_POLL_CONCURRENCY: '200' }).pollConcurrency).toBe(200);
    expect(resolveSettings({ 'poll-concurrency': '300' }, { TALLY_POLL_CONCURRENCY: '200' }).pollConcurrency).toBe(300);
  });

  it('refuses anything else, naming the option', () => {
    expectRefused(parsePollConcurrency, ['0', '-4', '2049', '12.5', 'many'], (text) => `--poll-concurrency must be a number from 1 to 2048, not "${text}"`);
  });
});

describe('heap growth setting', () => {
  it('takes 0 (V8 decides) or a percentage from 10 to 300, the option before the environment', () => {
    expect(parseHeapGrowth(undefined)).toBe(DEFAULT_HEAP_GROWTH_PERCENT);
    expect(parseHeapGrowth('')).toBe(DEFAULT_HEAP_GROWTH_PERCENT);
    expect(parseHeapGrowth('0')).toBe(0);
    expect(parseHeapGrowth('10')).toBe(10);
    expect(parseHeapGrowth('300')).toBe(300);
    expect(resolveSettings({}, { TALLY_HEAP_GROWTH: '40' }).heapGrowthPercent).toBe(40);
    expect(resolveSettings({ 'heap-growth': '80' }, { TALLY_HEAP_GROWTH: '40' }).heapGrowthPercent).toBe(80);
  });

  it('refuses anything else, naming the option', () => {
    expectRefused(parseHeapGrowth, ['-1', '5', '301', '12.5', 'lots'], (text) => `--heap-growth must be 0 (V8 decides) or a percentage from 10 to 300, not "${text}"`);
  });
});
