/**
 * Runs the floor (bench/floor.ts) against the farm with a plan and measures it: its CPU, the
 * farm's, the requests it made, and how punctual its cycles were at the devices, by the
 * same measure as Tally's. Both the scale benchmark and the floor-capacity run use it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { forkScript } from './child-script.js';
import type { Farm } from './farm-client.js';
import { DEVICE_PORT, deviceHost, preciseNow } from './farm-layout.js';
import type { RequestMix } from './farm-protocol.js';
import type { FloorPlan } from './floor.js';
import { cpuPercent, machineBusyPercent, sampleMachine, sampleUsage } from './process-usage.js';

export interface FloorFigures {
  cpuPercent: number;
  requestsPerSecond: number;
  /** Requests that failed, by error code. */
  failures: Record<string, number>;
  farmCpuPercent: number;
  /** The whole machine while the floor ran, in percent of one core. */
  machineCpuPercent: number;
  /** `/inputs` arrivals at the StreamHubs while the floor ran: lateness of each and slots without one. */
  cycleLateness: number[];
  missedCycles: number;
  polledCycles: number;
}

/** A floor plan from per-device request counts, `countsPerCycle` turning a count into requests per cycle. */
export function floorPlan(mix: RequestMix[], intervalMs: number, countsPerCycle: number): FloorPlan {
  return {
    intervalMs,
    devices: mix.map((device) => ({
      origin: `http://${deviceHost(device.index)}:${DEVICE_PORT}`,
      paths: device.paths.map((path) => ({ url: path.url, perCycle: path.count * countsPerCycle, authorization: path.authorization })),
    })),
  };
}

/**
 * Starts the floor on `plan`, lets it settle for `settleMs` (connections open, phases spread),
 * then measures it for `durationMs`.
 */
export async function measureFloor(farm: Farm, plan: FloorPlan, workDir: string, settleMs: number, durationMs: number): Promise<FloorFigures> {
  const planFile = join(workDir, 'floor-plan.json');
  writeFileSync(planFile, JSON.stringify(plan));
  const floor = forkScript('bench/floor', [planFile], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let failures: Record<string, number> = {};
  floor.on('message', (message: { failures: Record<string, number> }) => (failures = message.failures));
  try {
    await sleep(settleMs);
    const farmPids = farm.pids;
    await farm.record(true);
    const from = preciseNow();
    const floorStart = sampleUsage(floor.pid as number);
    const farmStart = farmPids.map((pid) => sampleUsage(pid));
    const machineStart = sampleMachine();
    const requestsStart = await farm.requests();
    await sleep(durationMs);
    const to = preciseNow();
    const floorEnd = sampleUsage(floor.pid as number);
    const farmEnd = farmPids.map((pid) => sampleUsage(pid));
    const machineEnd = sampleMachine();
    const requestsEnd = await farm.requests();
    const report = await farm.report(from, to, plan.intervalMs);
    await farm.record(false);
    return {
      cpuPercent: cpuPercent(floorStart, floorEnd),
      requestsPerSecond: (requestsEnd - requestsStart) / ((floorEnd.at - floorStart.at) / 1000),
      failures,
      farmCpuPercent: farmStart.reduce((sum, sample, i) => sum + cpuPercent(sample, farmEnd[i]), 0),
      machineCpuPercent: machineBusyPercent(machineStart, machineEnd),
      cycleLateness: report.lateness,
      missedCycles: report.missed,
      polledCycles: report.polls,
    };
  } finally {
    floor.kill('SIGKILL');
  }
}
