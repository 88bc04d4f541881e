/**
 * The heap growth Tally sets at start reaches V8: the same churn of promoted objects takes
 * more full collections and a smaller heap than with V8's own choice.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HEAP_GROWTH_PERCENT } from '../src/cli/heap-growth.js';

const CHURN = fileURLToPath(new URL('./heap-churn.ts', import.meta.url));

async function churn(percent: number): Promise<{ fullCollections: number; peakHeapMB: number }> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', CHURN, String(percent)], { timeout: 60_000 });
  return JSON.parse(stdout) as { fullCollections: number; peakHeapMB: number };
}

describe('heap growth', () => {
  it('bounds the heap by collecting sooner than V8 would of itself', async () => {
    const [ownChoice, bounded] = await Promise.all([churn(0), churn(DEFAULT_HEAP_GROWTH_PERCENT)]);
    expect(bounded.fullCollections).toBeGreaterThan(ownChoice.fullCollections);
    expect(bounded.peakHeapMB).toBeLessThan(ownChoice.peakHeapMB * 0.85);
  }, 90_000);
});
