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

export interface FloorPlan {
  intervalMs: number;
  devices: { origin: string; paths: { url: string; perCycle: number; authorization?: string }[] }[];
}

const TICK_MS = 10;

if (process.argv[2]) runFloor(JSON.parse(readFileSync(process.argv[2], 'utf8')) as FloorPlan);

function runFloor(plan: FloorPlan): void {
  // Same keep-alive settings as Tally's device pools.
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 300_000 });
  const slots = Math.max(1, Math.round(plan.intervalMs / TICK_MS));
  const bySlot: FloorPlan['devices'][] = Array.from({ length: slots }, () => []);
  plan.devices.forEach((device, position) => bySlot[Math.floor((position * slots) / plan.devices.length)].push(device));
  let failures = 0;
  let slot = 0;

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
        } catch {
          failures++;
        }
      }
    }
  };

  setInterval(() => {
    for (const device of bySlot[slot]) void poll(device);
    slot = (slot + 1) % slots;
  }, TICK_MS);
  setInterval(() => process.send?.({ type: 'failures', failures }), 1_000).unref();
  process.on('disconnect', () => process.exit(0));
}
