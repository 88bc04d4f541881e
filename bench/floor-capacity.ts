/**
 * How far the floor alone goes on this machine: the farm serves N StreamHubs, and the bare
 * undici loop of bench/floor.ts asks each of them, every interval, what the Haivision
 * connector asks when it keeps up (inputs, outputs, link statistics of every live input).
 * No Tally runs. If the floor cannot keep up at N, no poller built on it can, whatever its
 * own overhead: this is the machine's ceiling for the scale benchmark's goal.
 *
 *   node dist/bench/floor-capacity.js --devices 10000 --interval 10 --duration 60
 *   node dist/bench/floor-capacity.js --devices 3500 --farm-cpu-prof /tmp/farm   (profiles the farm)
 *
 * The last line printed is one JSON object: devices, planned and made requests/s, the
 * floor's and the farm's CPU, its cycle lateness and missed cycles at the devices.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_FARM_NICE, Farm, parseNice } from './farm-client.js';
import { floorPlan, measureFloor } from './floor-run.js';
import { percentile, round } from './percentiles.js';
import { cpuMicrosPerRequest } from './process-usage.js';

const { values: args } = parseArgs({
  options: {
    devices: { type: 'string', default: '10000' },
    interval: { type: 'string', default: '10' },
    duration: { type: 'string', default: '60' },
    seed: { type: 'string', default: '7' },
    'farm-cpu-prof': { type: 'string' },
    'farm-nice': { type: 'string', default: String(DEFAULT_FARM_NICE) },
  },
});

const log = (line: string): void => void process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const devices = Number(args.devices);
  const intervalMs = Number(args.interval) * 1000;
  const work = mkdtempSync(join(tmpdir(), 'tally-floor-'));
  // StreamHubs only: the CLOUDPORT share needs a session token that only a logged-in poller holds.
  const farmFlags = args['farm-cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', args['farm-cpu-prof']] : [];
  const farm = await Farm.start(devices, { cloudportShare: 0, seed: Number(args.seed), latencyMs: 0 }, { nodeFlags: farmFlags, nice: parseNice(args['farm-nice']) }, () => undefined);
  try {
    const mix = await farm.plan();
    const planned = mix.reduce((sum, device) => sum + device.paths.length, 0) / (intervalMs / 1000);
    log(`floor capacity: ${devices} StreamHubs, ${round(planned, 0)} requests/s planned, ${intervalMs / 1000} s interval`);
    const floor = await measureFloor(farm, floorPlan(mix, intervalMs, 1), work, intervalMs, Number(args.duration) * 1000);
    const result = {
      devices,
      intervalSeconds: intervalMs / 1000,
      plannedRequestsPerSecond: round(planned, 0),
      requestsPerSecond: round(floor.requestsPerSecond, 0),
      floorCpuPercent: round(floor.cpuPercent),
      farmCpuPercent: round(floor.farmCpuPercent),
      floorMicrosecondsPerRequest: cpuMicrosPerRequest(floor.cpuPercent, floor.requestsPerSecond),
      farmMicrosecondsPerRequest: cpuMicrosPerRequest(floor.farmCpuPercent, floor.requestsPerSecond),
      machineCpuPercent: round(floor.machineCpuPercent),
      polledCycles: floor.polledCycles,
      missedCycles: floor.missedCycles,
      cycleLatenessP50Ms: round(percentile(floor.cycleLateness, 50)),
      cycleLatenessP99Ms: round(percentile(floor.cycleLateness, 99)),
      failures: floor.failures,
      machineLoadAverage: round(loadavg()[0], 2),
    };
    log(`floor: ${result.requestsPerSecond} of ${result.plannedRequestsPerSecond} requests/s, ${result.floorCpuPercent}% CPU (${result.floorMicrosecondsPerRequest} µs a request); farm ${result.farmCpuPercent}% (${result.farmMicrosecondsPerRequest} µs); machine ${result.machineCpuPercent}% busy`);
    log(`cycles at the devices: ${result.polledCycles} polled, ${result.missedCycles} missed, lateness p50 ${result.cycleLatenessP50Ms} ms p99 ${result.cycleLatenessP99Ms} ms`);
    log(JSON.stringify(result));
  } finally {
    await farm.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`floor capacity failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
