/**
 * How far V8 lets the JavaScript heap grow past its live data before a full collection.
 *
 * V8 picks the factor itself (up to 4×), tuned for short-lived programs that would rather
 * use memory than spend CPU on collecting. Tally runs for months, and at thousands of
 * elements it keeps a few hundred MB live while every poll replaces a little of it (values,
 * the stream viewer's newest bodies), so V8's choice let RSS pass 1 GB at 5,000 elements
 * with 270 MB live. A fixed 60 % kept it near 700 MB at no CPU the benchmark could measure
 * (bench/README.md): a full collection is mostly marking, done concurrently, and comes
 * about once a minute at that size.
 */
import { setFlagsFromString } from 'node:v8';
import { UsageError } from './usage-error.js';

export const DEFAULT_HEAP_GROWTH_PERCENT = 60;
const MAX_HEAP_GROWTH_PERCENT = 300;

/** A percentage from 10 to 300, or 0 for V8's own choice; the default when none is given. */
export function parseHeapGrowth(text: string | undefined): number {
  if (text === undefined || text === '') return DEFAULT_HEAP_GROWTH_PERCENT;
  const percent = Number(text);
  if (!Number.isInteger(percent) || (percent !== 0 && (percent < 10 || percent > MAX_HEAP_GROWTH_PERCENT))) {
    throw new UsageError(`--heap-growth must be 0 (V8 decides) or a percentage from 10 to ${MAX_HEAP_GROWTH_PERCENT}, not "${text}"`);
  }
  return percent;
}

/**
 * Tells V8 before the heap fills: the flag is read each time V8 sets the next collection's
 * limit, so setting it at start-up (not only on node's command line) takes effect, for the
 * worker threads as well.
 */
export function applyHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
