/**
 * The bench with real farm processes. They all listen on the farm's loopback addresses
 * (127.1.0.1:8893 and on), so they are in this one file, which vitest runs one test after
 * another: in files of their own, two ran at once and the second farm found its addresses
 * taken.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Farm } from '../bench/farm-client.js';
import { preciseNow } from '../bench/farm-layout.js';
import { scheduleStall } from '../bench/stall.js';

const run = promisify(execFile);

/**
 * The floor-capacity run end to end at a small scale: a real farm process, the floor at a
 * fixed rate, the figures in its last line. It would fail if the floor stopped being
 * punctual (missed cycles), asked less than its plan, or the plan stopped matching what the
 * Haivision connector polls (link statistics of live inputs only).
 */
describe('bench/floor-capacity', () => {
  it('polls every planned request of a small farm on time, with no failure', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'bench/floor-capacity.ts', '--devices', '12', '--interval', '1', '--duration', '4'],
      { timeout: 60_000 },
    );
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
    expect(result.devices).toBe(12);
    // Each StreamHub: its inputs and outputs (24 a second in all), plus the link statistics of
    // its live inputs. Some of the 96 inputs are live, never all: neither bound may be reached.
    expect(result.plannedRequestsPerSecond).toBeGreaterThan(24);
    expect(result.plannedRequestsPerSecond).toBeLessThan(120);
    expect(Math.abs((result.requestsPerSecond as number) / (result.plannedRequestsPerSecond as number) - 1)).toBeLessThan(0.25);
    expect(result.failures).toEqual({});
    expect(result.polledCycles).toBeGreaterThanOrEqual(12 * 3);
    // A poll due within a millisecond or two of the window's end may land just after it, and
    // the rest of the suite shares the two cores: a stall of a second costs a cycle or two of
    // the 48 (it cost 2 in a full run).
    expect(result.missedCycles).toBeLessThanOrEqual(4);
  }, 90_000);
});

/** The farm reports its own event-loop lag, so a run can tell a stalled farm from a slow Tally. */
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
