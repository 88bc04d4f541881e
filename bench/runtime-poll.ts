/**
 * Polls many elements of a small bench connector against a local HTTP device and prints
 * elements, requests/s, CPU % and RSS: the runtime's cost per element.
 *
 *   npx tsx bench/runtime-poll.ts --elements 2000 --interval 5 --duration 20
 *
 * The device runs in a child process, so the CPU figure is the runtime's own (scheduler,
 * queues, HTTP client, value cache, batched SQLite writes). Prints one line per second and
 * a final JSON line.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defineConnector } from '../src/sdk/index.js';
import { ConnectorRegistry } from '../src/runtime/connector-registry.js';
import { ElementManager } from '../src/runtime/element-manager.js';
import { LiveBus } from '../src/live/live-bus.js';
import { SecretBox } from '../src/security/secret-box.js';
import { SqliteStore } from '../src/store/sqlite-store.js';

const { values: args } = parseArgs({
  options: {
    elements: { type: 'string', default: '1000' },
    interval: { type: 'string', default: '5' },
    duration: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '64' },
    device: { type: 'boolean', default: false },
    /** Polls without HTTP (values made up in the handler): the runtime's own share of the cost. */
    'no-http': { type: 'boolean', default: false },
    /** Writes a CPU profile of the measured part (after the elements are created) to this file. */
    'cpu-profile': { type: 'string' },
  },
});

if (args.device) runDevice();
else await runBench();

/** The device: small JSON answers, an uptime that changes so every poll stores one value. */
function runDevice(): void {
  const started = Date.now();
  const server = createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(`{"uptime":${Math.floor((Date.now() - started) / 1000)},"temperature":41.5,"status":"ok","path":"${request.url}"}`);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
  process.on('disconnect', () => process.exit(0));
}

async function runBench(): Promise<void> {
  const elements = Number(args.elements);
  const intervalMs = Number(args.interval) * 1000;
  const durationMs = Number(args.duration) * 1000;
  const withoutHttp = args['no-http'];
  let polls = 0;

  const benchConnector = defineConnector({
    id: 'bench-device',
    name: 'Bench device',
    vendor: 'Tally',
    version: '1.0.0.0',
    connection: { scheme: 'http', port: 80, deviceAddress: 'ByPassProxy' },
    params: [
      { id: 'uptime', name: 'Uptime', type: 'number', unit: 's' },
      { id: 'temperature', name: 'Temperature', type: 'number', unit: '°C', decimals: 1 },
      { id: 'status', name: 'Status', type: 'string' },
    ],
    tables: [],
    pages: [{ id: 'general', name: 'General', items: [{ param: 'uptime' }] }],
    polls: [
      {
        id: 'status',
        interval: intervalMs,
        run: async (ctx) => {
          if (withoutHttp) {
            ctx.setParams({ uptime: Math.floor(ctx.clock.now() / 1000), temperature: 41.5, status: 'ok' });
          } else {
            const status = (await ctx.http.get('/api/status')).json<{ uptime: number; temperature: number; status: string }>();
            ctx.setParams(status as unknown as Record<string, number | string>);
          }
          polls++;
        },
      },
    ],
    actions: [],
  });

  const device = fork(fileURLToPath(import.meta.url), ['--device'], { execArgv: process.execArgv });
  const port = await new Promise<number>((resolve) => device.once('message', (message) => resolve((message as { port: number }).port)));

  const dataDir = mkdtempSync(join(tmpdir(), 'tally-bench-'));
  const store = SqliteStore.open(join(dataDir, 'tally.db'));
  const manager = new ElementManager({
    registry: new ConnectorRegistry([benchConnector]),
    store,
    bus: new LiveBus(),
    secrets: SecretBox.fromKeyMaterial('bench secret key material'),
    concurrency: Number(args.concurrency),
  });
  await manager.start();
  const actor = { user: 'bench', role: 'admin' as const };
  for (let i = 0; i < elements; i++) {
    await manager.create({ name: `bench-${i}`, connector: 'bench-device', connection: { host: '127.0.0.1', port } }, actor);
  }

  // Measure the steady state: every element has finished its first, all-at-once poll, and
  // the round after it (brought forward at random to spread the load) has gone by.
  while (polls < elements) await new Promise((resolve) => setTimeout(resolve, 50));
  await new Promise((resolve) => setTimeout(resolve, intervalMs));
  const profiler = args['cpu-profile'] ? await startProfiler() : null;
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const startCpu = process.cpuUsage();
  const startTime = performance.now();
  const startPolls = polls;
  let lastCpu = startCpu;
  let lastTime = startTime;
  let lastPolls = polls;
  let peakRss = 0;

  await new Promise<void>((resolve) => {
    const ticker = setInterval(() => {
      const now = performance.now();
      const cpu = process.cpuUsage();
      const rss = process.memoryUsage().rss / 1024 / 1024;
      peakRss = Math.max(peakRss, rss);
      const seconds = (now - lastTime) / 1000;
      const cpuPercent = ((cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000 / (now - lastTime)) * 100;
      console.log(
        `t=${((now - startTime) / 1000).toFixed(0)}s elements=${elements} requests/s=${((polls - lastPolls) / seconds).toFixed(0)} ` +
          `cpu=${cpuPercent.toFixed(1)}% rss=${rss.toFixed(0)}MB`,
      );
      lastCpu = cpu;
      lastTime = now;
      lastPolls = polls;
      if (now - startTime >= durationMs) {
        clearInterval(ticker);
        resolve();
      }
    }, 1000);
  });

  const elapsed = performance.now() - startTime;
  if (profiler) writeFileSync(args['cpu-profile'] as string, JSON.stringify(await profiler.stop()));
  const cpu = process.cpuUsage(startCpu);
  const states: Record<string, number> = {};
  for (const element of manager.list()) states[element.state] = (states[element.state] ?? 0) + 1;
  const summary = {
    mode: withoutHttp ? 'no-http' : 'http',
    elements,
    intervalSeconds: intervalMs / 1000,
    durationSeconds: Math.round(elapsed / 1000),
    requestsPerSecond: Math.round(((polls - startPolls) / elapsed) * 1000),
    expectedRequestsPerSecond: Math.round((elements / intervalMs) * 1000),
    cpuPercent: Number((((cpu.user + cpu.system) / 1000 / elapsed) * 100).toFixed(1)),
    rssMB: Math.round(process.memoryUsage().rss / 1024 / 1024),
    peakRssMB: Math.round(peakRss),
    cpuMicrosecondsPerPoll: Math.round((cpu.user + cpu.system) / Math.max(1, polls - startPolls)),
    eventLoopDelayP99Ms: Number((loopDelay.percentile(99) / 1e6).toFixed(1)),
    states,
  };
  console.log(JSON.stringify(summary));
  await manager.stop();
  await store.close();
  device.disconnect();
  rmSync(dataDir, { recursive: true, force: true });
}

async function startProfiler(): Promise<{ stop(): Promise<unknown> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      return profile;
    },
  };
}
