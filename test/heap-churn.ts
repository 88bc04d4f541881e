/**
 * A process that keeps some 15 MB live and keeps replacing it, as Tally's value caches and
 * stream viewers do, then prints how many full collections that took and the largest heap.
 * Run by heap-growth.test.ts with the heap growth to apply (0: V8's own choice).
 *
 *   node --import tsx test/heap-churn.ts <percent>
 */
import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';
import { applyHeapGrowth } from '../src/cli/heap-growth.js';

const LIVE_OBJECTS = 50_000;
const REPLACEMENTS = 600_000;
const PER_TURN = 5_000;

applyHeapGrowth(Number(process.argv[2]));
let fullCollections = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) fullCollections++;
  }
}).observe({ entryTypes: ['gc'] });

const live: { text: string }[] = [];
for (let i = 0; i < LIVE_OBJECTS; i++) live.push({ text: `${'x'.repeat(200)}${i}` });
let replaced = 0;
let peakHeapBytes = 0;
// A turn at a time, so objects outlive young collections and are promoted, as polled values are.
const turn = (): void => {
  for (let i = 0; i < PER_TURN; i++, replaced++) live[replaced % LIVE_OBJECTS] = { text: `${'y'.repeat(200)}${replaced}` };
  peakHeapBytes = Math.max(peakHeapBytes, process.memoryUsage().heapTotal);
  if (replaced < REPLACEMENTS) setImmediate(turn);
  // The observer reports in a later turn: let it.
  else setTimeout(() => process.stdout.write(`${JSON.stringify({ fullCollections, peakHeapMB: peakHeapBytes / 2 ** 20 })}\n`), 20);
};
turn();
