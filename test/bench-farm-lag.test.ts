/** The farm reports its own event-loop lag, so a run can tell a stalled farm from a slow Tally. */
import { describe, expect, it } from 'vitest';
import { Farm } from '../bench/farm-client.js';
import { preciseNow } from '../bench/farm-layout.js';
import { scheduleStall } from '../bench/stall.js';

describe('bench farm event-loop lag', () => {
  it('reports a stall of its process over the recorded window', async () => {
    const farm = await Farm.start(2, { cloudportShare: 0, seed: 1, latencyMs: 0 }, { nodeFlags: [], nice: 0 }, () => undefined);
    try {
      await farm.record(true);
      const from = preciseNow();
      const stalled = new Promise<void>((resolve) =>
        scheduleStall(farm.pids[0], { atMs: 50, forMs: 400 }, (event) => event === 'continued' && resolve()),
      );
      await stalled;
      await new Promise((resolve) => setTimeout(resolve, 100));
      const report = await farm.report(from, preciseNow(), 1_000);
      // Stopped 400 ms: its 10 ms timer fired that much late, give or take the timer's own slack.
      expect(report.loopLagMaxMs).toBeGreaterThanOrEqual(300);
      expect(report.loopLagMaxMs).toBeLessThan(5_000);
      expect(report.loopLagP99Ms).toBeLessThanOrEqual(report.loopLagMaxMs);
    } finally {
      await farm.stop();
    }
  }, 30_000);
});
