/**
 * The floor: the least any poller can spend. A bare undici loop that makes the requests
 * Tally made to the farm (the same URLs, as often, with the same credentials) and parses
 * every JSON answer, with nothing else: no queues, no state, no store, no live updates.
 * bench/run.ts measures its CPU and compares Tally's with it.
 *
 *   node dist/bench/floor.js <plan.json>
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { DEFAULT_TICK_MS } from '../src/runtime/scheduler.js';

export interface FloorPlan {
  intervalMs: number;
  devices: { origin: string; paths: { url: string; perCycle: number; authorization?: string }[] }[];
}

/**
 * Tally's own scheduling grid: polls due within one tick start together, which the kernel and
 * the devices serve more cheaply than the same requests spread out (bench/README.md). A floor
 * on a finer grid would pay for that spread and flatter Tally's ratio.
 */
const TICK_MS = DEFAULT_TICK_MS;

if (process.argv[2]) runFloor(JSON.parse(readFileSync(process.argv[2], 'utf8')) as FloorPlan);

function runFloor(plan: FloorPlan): void {
  // Same settings as Tally's device pools: one keep-alive connection per device.
  const dispatcher = new Agent({ connections: 1, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 300_000 });
  const slots = Math.max(1, Math.round(plan.intervalMs / TICK_MS));
  const bySlot: FloorPlan['devices'][] = Array.from({ length: slots }, () => []);
  plan.devices.forEach((device, position) => bySlot[Math.floor((position * slots) / plan.devices.length)].push(device));
  const failures: Record<string, number> = {};
  let served = 0;

  const poll = async (device: FloorPlan['devices'][number]): Promise<void> => {
    for (const path of device.paths) {
      const times = Math.floor(path.perCycle) + (Math.random() < path.perCycle % 1 ? 1 : 0);
      for (let i = 0; i < times; i++) {
        try {
          const answer = await request(device.origin + path.url, {
            dispatcher,
            headers: path.authorization ? { authorization: path.authorization } : undefined,
            headersTimeout: 5_000,
            bodyTimeout: 5_000,
          });
          JSON.parse(await answer.body.text());
        } catch (error) {
          const reason = (error as { code?: string }).code ?? (error as Error).name;
          failures[reason] = (failures[reason] ?? 0) + 1;
        }
      }
    }
  };

  // At a fixed rate, like Tally's scheduler: each slot is due at a time computed from the
  // start, and a late tick serves every slot that has come due, so a busy loop does not
  // stretch the cycle (setInterval alone would).
  const started = performance.now();
  const tick = (): void => {
    const due = Math.floor((performance.now() - started) / TICK_MS);
    for (; served <= due; served++) for (const device of bySlot[served % slots]) void poll(device);
    setTimeout(tick, started + served * TICK_MS - performance.now());
  };
  tick();
  setInterval(() => process.send?.({ type: 'failures', failures }), 1_000).unref();
  process.on('disconnect', () => process.exit(0));
}
