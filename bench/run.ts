/**
 * The scale benchmark: Tally polling N simulated devices, measured against the floor.
 *
 *   npm run bench -- --elements 10000 --interval 10 --duration 60
 *   npm run bench -- --elements 2000 --soak            (an hour; reports memory growth)
 *   npm run bench -- --elements 5000 --cpu-prof /tmp/prof   (profiles Tally)
 *   npm run bench -- --elements 2000 --heap-snapshot /tmp/heap (Tally's heap after the run)
 *   npm run bench -- --elements 10000 --tally-node-flags=--trace-gc --tally-stdout /tmp/gc.log
 *
 * 1. A simulator farm (bench/sim-farm.ts, separate processes) serves N devices, each on its
 *    own loopback address: StreamHubs and a share of CLOUDPORT services.
 * 2. Tally runs as `tally start` in its own process; the N elements are created through the
 *    API with every periodic poll group at the interval.
 * 3. While it polls, operator actions (Play/Stop Stream through the API) and device-side
 *    changes (a field unit connecting or going away) are fired at a steady rate.
 * 4. The floor (bench/floor.ts) then replays the same requests from a bare undici loop.
 * The last line printed is one JSON object with the figures (see bench/README.md).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_PASSWORD, DEFAULT_USERNAME } from '../connectors/amagi-cloudport/simulator/index.js';
import { DEFAULT_FARM_NICE, Farm, parseNice } from './farm-client.js';
import { CHANGED_INPUT, DEVICE_PORT, FARM_API_KEY, deviceHost, deviceKind, preciseNow } from './farm-layout.js';
import { floorPlan, measureFloor } from './floor-run.js';
import { percentile, round } from './percentiles.js';
import { cpuMicrosPerRequest, cpuPercent, machineBusyPercent, sampleMachine, sampleMainThread, sampleUsage, writeRate, type UsageSample } from './process-usage.js';
import { startTally } from './tally-process.js';
import { parseHttpThreads, parsePollConcurrency } from '../src/cli/cli-settings.js';
import { parseHeapGrowth } from '../src/cli/heap-growth.js';
import { heapSnapshotFlags, takeHeapSnapshot } from './heap-snapshot.js';
import { parseStall, scheduleStall } from './stall.js';
import { TallyApi } from './tally-api.js';
import { commandSentAt, splitActionLatency, type ActionTiming } from './action-timing.js';

const { values: args } = parseArgs({
  options: {
    elements: { type: 'string', default: '1000' },
    interval: { type: 'string', default: '10' },
    duration: { type: 'string' },
    soak: { type: 'boolean', default: false },
    'cloudport-share': { type: 'string', default: '0.05' },
    'floor-duration': { type: 'string', default: '30' },
    'actions-per-second': { type: 'string', default: '5' },
    'changes-per-second': { type: 'string', default: '5' },
    /** How many elements the actions, changes and the live subscription go to. */
    sample: { type: 'string', default: '200' },
    'cpu-prof': { type: 'string' },
    'farm-cpu-prof': { type: 'string' },
    /** The farm processes' nice value (see FarmProcessOptions). */
    'farm-nice': { type: 'string', default: String(DEFAULT_FARM_NICE) },
    /** Tally's --http-threads; its own default (one per core beyond the second, at most 4) when absent. */
    'http-threads': { type: 'string' },
    /** Tally's --heap-growth (percent, 0 for V8's own choice); its default when absent. */
    'heap-growth': { type: 'string' },
    /** Tally's --poll-concurrency; its default when absent. */
    'poll-concurrency': { type: 'string' },
    /** Milliseconds every device takes to answer beyond loopback's own, as over a WAN. */
    'device-latency': { type: 'string', default: '0' },
    /** Seconds into the window at which Tally's process is stopped (bench/stall.ts); none when absent. */
    'stall-at': { type: 'string' },
    /** How long it stays stopped, seconds (8). */
    'stall-for': { type: 'string' },
    'heap-snapshot': { type: 'string' },
    /** More Node options for Tally's process, space-separated (e.g. --trace-gc). */
    'tally-node-flags': { type: 'string', default: '' },
    /** Where Tally's standard output goes once it runs (what such options print); dropped when absent. */
    'tally-stdout': { type: 'string' },
    seed: { type: 'string', default: '7' },
  },
});

const N = Number(args.elements);
/** Parsed before anything starts: a bad value must not surface only after the whole run. */
const heapGrowthPercent = parseHeapGrowth(args['heap-growth']);
const pollConcurrency = parsePollConcurrency(args['poll-concurrency']);
const deviceLatencyMs = parseDeviceLatency(args['device-latency']);
const stall = parseStall(args['stall-at'], args['stall-for']);
const farmNice = parseNice(args['farm-nice']);
const intervalMs = Number(args.interval) * 1000;
const durationMs = Number(args.duration ?? (args.soak ? 3600 : 60)) * 1000;
const cloudportShare = Number(args['cloudport-share']);
const HAIVISION_GROUPS = ['inputs', 'outputs', 'linkStats'];
const CLOUDPORT_GROUPS = ['services'];
const SOAK_SAMPLE_MS = 60_000;
/** The longest wait for Tally to poll at its steady rate before the window starts, in intervals. */
const SETTLE_MAX_INTERVALS = 8;
/** How far an interval's probe count may be from one per StreamHub and still be the steady rate. */
const STEADY_TOLERANCE = 0.01;

const log = (line: string): void => void process.stdout.write(`${line}\n`);

const secondsSince = (start: number): number => Math.round((Date.now() - start) / 1000);

/**
 * Waits, an interval at a time, until two intervals in a row saw every StreamHub's periodic
 * request once (give or take {@link STEADY_TOLERANCE}): creating N elements is a burst that
 * leaves polls behind, Tally catches up with extra polls, and the window is for the steady
 * rate. One interval alone can pass for it as a catch-up runs through the steady count (a
 * soak's first window interval then saw 13,318 for 9,500). At most
 * {@link SETTLE_MAX_INTERVALS}; how long it took is reported.
 */
async function settle(farm: Farm, streamHubs: number): Promise<{ steady: boolean; seconds: number; lastPolled: number }> {
  const started = Date.now();
  let lastPolled = 0;
  let steadyIntervals = 0;
  let before = await farm.probes();
  for (let interval = 0; interval < SETTLE_MAX_INTERVALS; interval++) {
    await sleep(intervalMs);
    const now = await farm.probes();
    lastPolled = now - before;
    before = now;
    steadyIntervals = Math.abs(lastPolled - streamHubs) <= streamHubs * STEADY_TOLERANCE ? steadyIntervals + 1 : 0;
    if (steadyIntervals === 2) return { steady: true, seconds: secondsSince(started), lastPolled };
  }
  return { steady: false, seconds: secondsSince(started), lastPolled };
}

function parseDeviceLatency(text: string): number {
  const ms = Number(text);
  if (text.trim() === '' || !Number.isInteger(ms) || ms < 0 || ms > 10_000) throw new Error(`--device-latency must be a whole number of ms from 0 to 10000, not "${text}"`);
  return ms;
}

function elementBody(index: number): Record<string, unknown> {
  const connection = { host: deviceHost(index), port: DEVICE_PORT, tls: false };
  const intervals = (groups: string[]) => Object.fromEntries(groups.map((group) => [group, intervalMs]));
  if (deviceKind(index, cloudportShare) === 'amagi-cloudport') {
    return {
      name: `Bench CLOUDPORT ${index}`,
      connector: 'amagi-cloudport',
      connection,
      params: { username: DEFAULT_USERNAME, password: DEFAULT_PASSWORD },
      pollIntervals: intervals(CLOUDPORT_GROUPS),
    };
  }
  return {
    name: `Bench StreamHub ${index}`,
    connector: 'haivision-manager',
    connection,
    params: { apiKey: FARM_API_KEY },
    pollIntervals: intervals(HAIVISION_GROUPS),
  };
}

interface Operated {
  index: number;
  id: string;
  turn: number;
}

interface TableRow {
  key: string;
  cells: Record<string, unknown>;
}

const CHANGED_INPUT_KEY = String(CHANGED_INPUT);

interface PendingChange {
  inputKey: string;
  connected: boolean;
  changedAt: number;
  seenAt: number | null;
  liveAt: number | null;
}

const usageOf = (pids: number[]): UsageSample[] => pids.map((pid) => sampleUsage(pid));
/** The bench's own CPU since `start` (its actions, the live subscription, its clients), in percent of one core. */
const benchCpuPercent = (start: NodeJS.CpuUsage, elapsedMs: number): number => {
  const used = process.cpuUsage(start);
  return elapsedMs > 0 ? ((used.user + used.system) / 1000 / elapsedMs) * 100 : 0;
};
const cpuOf = (from: UsageSample[], to: UsageSample[]): number => from.reduce((sum, sample, i) => sum + cpuPercent(sample, to[i]), 0);

/** From `/metrics`: rows the store wrote, and the poll lateness histogram's cumulative counts by bound (s), all connectors together. */
interface ScrapedMetrics {
  rows: number | null;
  /** Rows written so far by each of the store's writers (`values`, `trends`, `alarms`, …). */
  rowsByWriter: Map<string, number>;
  lateness: Map<number, number>;
  loopLagP99Ms: number | null;
  /** The longest the event loop was blocked since the previous scrape. */
  loopLagMaxMs: number | null;
  /** The main thread's V8 heap in use and reserved, and memory outside it (Buffers, SQLite's through the addon), MB. */
  heapUsedMB: number | null;
  heapTotalMB: number | null;
  externalMB: number | null;
  /** Polls allowed at once when scraped: the setting, or more while Tally catches up. */
  pollConcurrency: number | null;
}

async function scrapeMetrics(api: TallyApi): Promise<ScrapedMetrics> {
  const answer = await api.send('GET', '/metrics').catch(() => null);
  const text = answer?.status === 200 ? answer.body : '';
  let rows: number | null = null;
  const rowsByWriter = new Map<string, number>();
  for (const [, labels, count] of text.matchAll(/^tally_store_rows_written_total\{([^}]*)\} (\S+)$/gm)) {
    rows = (rows ?? 0) + Number(count);
    const writer = /writer="([^"]*)"/.exec(labels)?.[1] ?? '';
    rowsByWriter.set(writer, (rowsByWriter.get(writer) ?? 0) + Number(count));
  }
  const lateness = new Map<number, number>();
  for (const [, le, count] of text.matchAll(/^tally_poll_lateness_seconds_bucket\{le="([^"]+)"[^}]*\} (\S+)$/gm)) {
    const bound = le === '+Inf' ? Infinity : Number(le);
    lateness.set(bound, (lateness.get(bound) ?? 0) + Number(count));
  }
  const gauge = (name: string, scale: number): number | null => {
    const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
    return match ? Number(match[1]) * scale : null;
  };
  const megabytes = (name: string): number | null => {
    const bytes = gauge(name, 1);
    return bytes === null ? null : Math.round(bytes / 2 ** 20);
  };
  return {
    rows,
    rowsByWriter,
    lateness,
    // prom-client resets its event loop lag histogram at each scrape: these cover the time since the last one.
    loopLagP99Ms: gauge('nodejs_eventloop_lag_p99_seconds', 1000),
    loopLagMaxMs: gauge('nodejs_eventloop_lag_max_seconds', 1000),
    heapUsedMB: megabytes('nodejs_heap_size_used_bytes'),
    heapTotalMB: megabytes('nodejs_heap_size_total_bytes'),
    externalMB: megabytes('nodejs_external_memory_bytes'),
    pollConcurrency: gauge('tally_poll_concurrency', 1),
  };
}

/** The upper bound (ms) of the bucket holding the p-th percentile of what was observed between two scrapes. */
function bucketPercentile(from: Map<number, number>, to: Map<number, number>, p: number): number | null {
  const inWindow = (bound: number): number => (to.get(bound) ?? 0) - (from.get(bound) ?? 0);
  const total = inWindow(Infinity);
  const bound = [...to.keys()].sort((a, b) => a - b).find((candidate) => total > 0 && inWindow(candidate) >= (p / 100) * total);
  return bound === undefined ? null : bound * 1000;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'tally-bench-'));
  const actionLatency: number[] = [];
  const liveLatency: number[] = [];
  const changeToLive: number[] = [];
  const pendingActions = new Map<number, number>();
  const actionTimings: ActionTiming[] = [];
  /** The action under way at each operated device, by index, until the device reads its command. */
  const timingAt = new Map<number, ActionTiming>();
  const pendingChanges = new Map<number, PendingChange>();
  const indexOfElement = new Map<string, number>();
  let actionsOk = 0;
  let actionsRefused = 0;
  const refusals = new Map<string, number>();

  const settleChange = (index: number, change: PendingChange): void => {
    if (change.seenAt === null || change.liveAt === null) return;
    liveLatency.push(Math.max(0, change.liveAt - change.seenAt));
    changeToLive.push(change.liveAt - change.changedAt);
    pendingChanges.delete(index);
  };

  log(`bench: ${N} elements, ${intervalMs / 1000} s interval, ${durationMs / 1000} s measured${args.soak ? ' (soak)' : ''}${deviceLatencyMs ? `, devices answering ${deviceLatencyMs} ms late` : ''}${stall ? `, Tally stopped for ${stall.forMs / 1000} s at ${stall.atMs / 1000} s` : ''}`);
  const farmFlags = args['farm-cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', args['farm-cpu-prof']] : [];
  const farm = await Farm.start(N, { cloudportShare, seed: Number(args.seed), latencyMs: deviceLatencyMs }, { nodeFlags: farmFlags, nice: farmNice }, (event) => {
    if (event.type === 'command') {
      const sentAt = pendingActions.get(event.index);
      if (sentAt !== undefined && sentAt !== Infinity) {
        actionLatency.push(event.at - sentAt);
        pendingActions.delete(event.index);
        const timing = timingAt.get(event.index);
        if (timing) timing.receivedAt = event.at;
        timingAt.delete(event.index);
      }
      return;
    }
    const change = pendingChanges.get(event.index);
    if (change && change.seenAt === null) {
      change.seenAt = event.at;
      settleChange(event.index, change);
    }
  });
  log(`farm: ${N} devices in ${farm.pids.length} process(es), nice ${farmNice}`);

  const profileFlags = [
    ...(args['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', args['cpu-prof']] : []),
    ...(args['heap-snapshot'] ? heapSnapshotFlags(args['heap-snapshot']) : []),
    ...args['tally-node-flags'].split(' ').filter(Boolean),
  ];
  const tally = await startTally({
    dataDir: join(work, 'data'),
    token: randomBytes(24).toString('hex'),
    nodeFlags: profileFlags,
    stdoutFile: args['tally-stdout'],
    env: {
      ...(args['http-threads'] === undefined ? {} : { TALLY_HTTP_THREADS: args['http-threads'] }),
      TALLY_HEAP_GROWTH: String(heapGrowthPercent),
      TALLY_POLL_CONCURRENCY: String(pollConcurrency),
    },
  });
  const api = new TallyApi(tally.url, tally.token);
  const tallyPid = tally.child.pid as number;
  try {
    const ids: string[] = new Array(N);
    const createStarted = Date.now();
    await TallyApi.inParallel(Array.from({ length: N }, (_, i) => i), 16, async (index) => {
      const created = await api.call<{ id: string }>('POST', '/api/elements', elementBody(index));
      if (created.status !== 201) throw new Error(`creating element ${index}: ${created.status} ${JSON.stringify(created.body)}`);
      ids[index] = created.body.id;
      indexOfElement.set(created.body.id, index);
    });
    const createSeconds = (Date.now() - createStarted) / 1000;
    log(`created ${N} elements in ${createSeconds.toFixed(1)} s (${Math.round(N / createSeconds)}/s)`);

    const activeDeadline = Date.now() + 2 * intervalMs + 60_000;
    let active = 0;
    while (Date.now() < activeDeadline) {
      const list = await api.call<{ elements: { state: string }[] }>('GET', '/api/elements');
      active = list.body.elements.filter((element) => element.state === 'active').length;
      if (active === N) break;
      await sleep(2_000);
    }
    log(`active: ${active}/${N}`);

    const sampleSize = Math.min(Number(args.sample), N);
    const haivision = Array.from({ length: N }, (_, i) => i).filter((i) => deviceKind(i, cloudportShare) === 'haivision-manager');
    const operated: Operated[] = [];
    for (let k = 0; k < sampleSize && k < haivision.length; k++) {
      const index = haivision[Math.floor((k * haivision.length) / sampleSize)];
      operated.push({ index, id: ids[index], turn: k });
    }
    const socket = await api.live(
      operated.map((element) => element.id),
      (message, at) => {
        if (message.type !== 'rows' || message.tableId !== 'inputs') return;
        const index = indexOfElement.get(message.elementId);
        const change = index === undefined ? undefined : pendingChanges.get(index);
        if (index === undefined || !change || change.liveAt !== null) return;
        const row = (message.rows as { key: string; cells: Record<string, unknown> }[]).find((candidate) => candidate.key === change.inputKey);
        if (row && row.cells.connected === change.connected) {
          change.liveAt = at;
          settleChange(index, change);
        }
      },
      preciseNow,
    );
    let liveClosed: string | null = null;
    socket.on('close', (code, reason) => (liveClosed = `${code} ${reason.toString()}`.trim()));
    const settling = await settle(farm, haivision.length);
    log(
      settling.steady
        ? `steady: every StreamHub polled once an interval, two intervals in a row, ${settling.seconds} s after all were active`
        : `not steady ${settling.seconds} s after all were active (last interval: ${settling.lastPolled} of ${haivision.length} StreamHubs polled); measuring anyway`,
    );

    let actionTurn = 0;
    let changeTurn = 0;
    /** Plays on an idle output or stops a playing one, from what Tally shows now (as an operator would). */
    const fireAction = async (): Promise<void> => {
      let element: Operated | undefined;
      for (let k = 0; k < operated.length && !element; k++) {
        const candidate = operated[(actionTurn + k) % operated.length];
        if (!pendingActions.has(candidate.index)) element = candidate;
      }
      actionTurn++;
      if (!element) return;
      pendingActions.set(element.index, Infinity);
      const tables = await Promise.all([
        api.call<{ rows: TableRow[] }>('GET', `/api/elements/${element.id}/tables/sdiOutputs`),
        api.call<{ rows: TableRow[] }>('GET', `/api/elements/${element.id}/tables/inputs`),
      ]).catch((error: Error) => error);
      if (tables instanceof Error) return refuseAction(element, tables.message);
      const [outputs, inputs] = tables;
      const output = outputs.body.rows[element.turn++ % outputs.body.rows.length];
      const sources = inputs.body.rows.filter((row) => row.cells.connected === true && row.key !== CHANGED_INPUT_KEY);
      const play = output.cells.enable !== true;
      if (play && sources.length === 0) return void pendingActions.delete(element.index);
      const body = play ? { rows: [output.key], inputs: { source: sources[element.turn % sources.length].key } } : { rows: [output.key] };
      const timing: ActionTiming = { calledAt: Date.now(), sentAt: null, receivedAt: null };
      pendingActions.set(element.index, preciseNow());
      timingAt.set(element.index, timing);
      actionTimings.push(timing);
      const answer = await api.call('POST', `/api/elements/${element.id}/actions/${play ? 'playStream' : 'stopStream'}`, body).catch((error: Error) => error);
      if (answer instanceof Error) return refuseAction(element, answer.message);
      if (answer.status !== 200) return refuseAction(element, `${answer.status} ${(answer.body as { error?: { message?: string } })?.error?.message ?? ''}`);
      actionsOk++;
      timing.sentAt = await commandSentAt(api, element.id, timing.calledAt).catch(() => null);
    };
    const refuseAction = (element: Operated, why: string): void => {
      actionsRefused++;
      pendingActions.delete(element.index);
      timingAt.delete(element.index);
      const reason = why.replace(/[0-9a-f-]{36}|\d+/g, '#').slice(0, 120);
      refusals.set(reason, (refusals.get(reason) ?? 0) + 1);
    };
    const fireChange = (): void => {
      const element = operated[changeTurn++ % operated.length];
      if (!element || pendingChanges.has(element.index)) return;
      void farm.change(element.index).then((reply) => {
        if (reply.type !== 'changed') return;
        pendingChanges.set(element.index, { inputKey: reply.inputKey, connected: reply.connected, changedAt: reply.at, seenAt: null, liveAt: null });
      });
    };

    await farm.record(true);
    const from = preciseNow();
    const farmPids = farm.pids;
    const tallyStart = sampleUsage(tallyPid);
    const eventLoopStart = sampleMainThread(tallyPid);
    const farmStart = usageOf(farmPids);
    const benchStart = process.cpuUsage();
    const machineStart = sampleMachine();
    const requestsStart = await farm.requests();
    const metricsStart = await scrapeMetrics(api);
    const timers = [
      setInterval(() => void fireAction(), 1000 / Number(args['actions-per-second'])),
      setInterval(fireChange, 1000 / Number(args['changes-per-second'])),
    ];
    const rssSeries: number[] = [];
    let soakMetrics = metricsStart;
    const soakTimer = setInterval(async () => {
      if (!args.soak) return;
      const rss = sampleUsage(tallyPid).rssBytes / 2 ** 20;
      rssSeries.push(rss);
      const minute = rssSeries.length;
      // Each minute on its own: a slow drift of the polls or the loop shows when it starts.
      const metrics = await scrapeMetrics(api);
      const lateness = bucketPercentile(soakMetrics.lateness, metrics.lateness, 99);
      soakMetrics = metrics;
      log(`soak: ${minute} min, Tally RSS ${rss.toFixed(0)} MB (heap ${metrics.heapUsedMB} of ${metrics.heapTotalMB} MB), poll lateness p99 ≤ ${lateness ?? 'n/a'} ms, event loop lag p99 ${round(metrics.loopLagP99Ms)} ms, polls at once ${metrics.pollConcurrency ?? 'n/a'}`);
    }, SOAK_SAMPLE_MS);
    const endStall = stall ? scheduleStall(tallyPid, stall, (event) => log(`stall: Tally ${event} at ${secondsSince(from)} s into the window`)) : null;
    await sleep(durationMs);
    endStall?.();
    for (const timer of timers) clearInterval(timer);
    clearInterval(soakTimer);
    const to = preciseNow();
    // The request mix the floor replays is the window's own: nothing after it is counted.
    await farm.record(false);
    const tallyEnd = sampleUsage(tallyPid);
    const eventLoopEnd = sampleMainThread(tallyPid);
    const machineEnd = sampleMachine();
    const benchCpu = benchCpuPercent(benchStart, to - from);
    // Other processes on the machine take CPU from Tally: the 1-minute load says how much.
    const loadAverage = round(loadavg()[0], 2);
    const farmEnd = usageOf(farmPids);
    const requestsEnd = await farm.requests();
    const metricsEnd = await scrapeMetrics(api);
    const seconds = (to - from) / 1000;
    await sleep(Math.min(5_000, intervalMs)); // let the last actions and changes land
    const report = await farm.report(from, to, intervalMs);
    if (args['heap-snapshot']) log(`heap snapshot: ${await takeHeapSnapshot(tally.child, args['heap-snapshot'])}`);
    socket.removeAllListeners('close');
    socket.close();
    await api.close();
    await tally.stop();

    log('floor: replaying the same requests from a bare undici loop');
    const plan = floorPlan(report.mix, intervalMs, intervalMs / (to - from));
    const floor = await measureFloor(farm, plan, work, intervalMs, Number(args['floor-duration']) * 1000);
    await farm.stop();

    const cpu = cpuPercent(tallyStart, tallyEnd);
    const actionSplit = splitActionLatency(actionTimings);
    const farmCpu = cpuOf(farmStart, farmEnd);
    const machineCpu = machineBusyPercent(machineStart, machineEnd);
    const baseline = floor.cpuPercent;
    const rssMB = tallyEnd.rssBytes / 2 ** 20;
    const storeBytes = writeRate(tallyStart, tallyEnd);
    const requestsPerSecond = (requestsEnd - requestsStart) / seconds;
    const result = {
      elements: N,
      requestsPerSecond: round(requestsPerSecond, 0),
      cpuPercent: round(cpu),
      rssMB: round(rssMB, 0),
      cycleLatenessP99Ms: round(percentile(report.lateness, 99)),
      missedCycles: report.missed,
      actionLatencyP99Ms: round(percentile(actionLatency, 99)),
      liveLatencyP99Ms: round(percentile(liveLatency, 99)),
      baselineCpuPercent: round(baseline),
      overheadRatio: round(baseline > 0 ? cpu / baseline : null, 2),
      intervalSeconds: intervalMs / 1000,
      httpThreads: args['http-threads'] === undefined ? `default (${parseHttpThreads(undefined)})` : Number(args['http-threads']),
      heapGrowthPercent,
      pollConcurrency,
      deviceLatencyMs,
      /** Tally's process stopped this long this far into the window (`--stall-at`), null without. */
      stall: stall && { atSeconds: stall.atMs / 1000, forSeconds: stall.forMs / 1000 },
      farmNice,
      durationSeconds: round(seconds, 0),
      settleSeconds: settling.seconds,
      steadyBeforeWindow: settling.steady,
      rssKBPerElement: round((tallyEnd.rssBytes / 1024) / N, 0),
      heapUsedMB: metricsEnd.heapUsedMB,
      heapTotalMB: metricsEnd.heapTotalMB,
      externalMB: metricsEnd.externalMB,
      cycleLatenessP50Ms: round(percentile(report.lateness, 50)),
      cycleLatenessP90Ms: round(percentile(report.lateness, 90)),
      cycleLatenessMaxMs: round(percentile(report.lateness, 100)),
      polledCycles: report.polls,
      pollsByInterval: report.pollsByInterval,
      actionLatencyP50Ms: round(percentile(actionLatency, 50)),
      actionLatencyP90Ms: round(percentile(actionLatency, 90)),
      actions: actionsOk,
      /** Action latency split where Tally started the device request (bench/action-timing.ts), over the actions whose request the stream viewer still held. */
      actionInTallyP50Ms: round(percentile(actionSplit.inTally, 50)),
      actionInTallyP99Ms: round(percentile(actionSplit.inTally, 99)),
      actionToDeviceP50Ms: round(percentile(actionSplit.toDevice, 50)),
      actionToDeviceP99Ms: round(percentile(actionSplit.toDevice, 99)),
      actionsSplit: actionSplit.inTally.length,
      actionsRefused,
      actionRefusals: Object.fromEntries(refusals),
      liveLatencyP50Ms: round(percentile(liveLatency, 50)),
      liveLatencyP90Ms: round(percentile(liveLatency, 90)),
      liveChanges: liveLatency.length,
      /** Set when Tally closed the live socket during the run (e.g. 1013: the client was too slow). */
      liveSocketClosed: liveClosed,
      changeToLiveP99Ms: round(percentile(changeToLive, 99)),
      /** Tally's own view (`tally_poll_lateness_seconds`, due time → handler start): a bucket bound; null when none observed or past the last bucket (30 s). */
      pollLatenessP99Ms: round(bucketPercentile(metricsStart.lateness, metricsEnd.lateness, 99)),
      eventLoopLagP99Ms: round(metricsEnd.loopLagP99Ms),
      eventLoopLagMaxMs: round(metricsEnd.loopLagMaxMs),
      storeRowsPerSecond:
        metricsStart.rows === null || metricsEnd.rows === null ? null : round((metricsEnd.rows - metricsStart.rows) / seconds, 0),
      storeRowsPerSecondByWriter: Object.fromEntries(
        [...metricsEnd.rowsByWriter].map(([writer, count]) => [writer, round((count - (metricsStart.rowsByWriter.get(writer) ?? 0)) / seconds, 0)]),
      ),
      storeWriteKBPerSecond: storeBytes === null ? null : round(storeBytes / 1024, 0),
      floorRequestsPerSecond: round(floor.requestsPerSecond, 0),
      floorFailures: floor.failures,
      farmCpuPercent: round(farmCpu),
      farmLoopLagP99Ms: report.loopLagP99Ms,
      farmLoopLagMaxMs: report.loopLagMaxMs,
      farmCpuPercentDuringFloor: round(floor.farmCpuPercent),
      /** CPU a request, µs, in all threads: the machine's speed varies from run to run, and the floor's shows by how much. */
      cpuMicrosPerRequest: cpuMicrosPerRequest(cpu, requestsPerSecond),
      farmCpuMicrosPerRequest: cpuMicrosPerRequest(farmCpu, requestsPerSecond),
      floorCpuMicrosPerRequest: cpuMicrosPerRequest(baseline, floor.requestsPerSecond),
      /**
       * The farm's CPU a request while the floor ran. The same requests cost the farm more while
       * Tally runs, on a machine that much busier: on two cores every process slows the others.
       */
      farmCpuMicrosPerRequestDuringFloor: cpuMicrosPerRequest(floor.farmCpuPercent, floor.requestsPerSecond),
      machineCpuPercentDuringFloor: round(floor.machineCpuPercent),
      createElementsPerSecond: round(N / createSeconds, 0),
      machineLoadAverage: loadAverage,
      /** Tally's main thread alone: the event loop, which runs every element's polls. */
      eventLoopCpuPercent: round(cpuPercent(eventLoopStart, eventLoopEnd)),
      /** The whole machine, in percent of one core, of `machineCapacityPercent`. */
      machineCpuPercent: round(machineCpu),
      machineCapacityPercent: machineEnd.cores * 100,
      benchCpuPercent: round(benchCpu),
      /** What else kept the machine busy: the kernel's own threads, interrupts, other work. */
      otherCpuPercent: round(Math.max(0, machineCpu - cpu - farmCpu - benchCpu)),
      ...(rssSeries.length > 1 ? { soakRssStartMB: round(rssSeries[0], 0), soakRssGrowthMB: round(rssSeries[rssSeries.length - 1] - rssSeries[0], 0) } : {}),
      ...(args['cpu-prof'] ? { cpuProfileDir: args['cpu-prof'] } : {}),
    };
    log(
      [
        `Tally: ${result.cpuPercent}% CPU (floor ${result.baselineCpuPercent}%, ratio ${result.overheadRatio}), RSS ${result.rssMB} MB (${result.rssKBPerElement} KB/element; main heap ${result.heapUsedMB} of ${result.heapTotalMB} MB, external ${result.externalMB} MB)`,
        `requests: ${result.requestsPerSecond}/s (floor ${result.floorRequestsPerSecond}/s); farm ${result.farmCpuPercent}% CPU, its event loop lag p99 ${result.farmLoopLagP99Ms} ms, max ${result.farmLoopLagMaxMs} ms`,
        `CPU a request: Tally ${result.cpuMicrosPerRequest ?? 'n/a'} µs, farm ${result.farmCpuMicrosPerRequest ?? 'n/a'} µs, floor ${result.floorCpuMicrosPerRequest ?? 'n/a'} µs (the farm ${result.farmCpuMicrosPerRequestDuringFloor ?? 'n/a'} µs meanwhile, the machine ${result.machineCpuPercentDuringFloor}% busy)`,
        `machine: ${result.machineCpuPercent}% of ${result.machineCapacityPercent}% busy: Tally ${result.cpuPercent}% (its event loop ${result.eventLoopCpuPercent}%), farm ${result.farmCpuPercent}%, bench ${result.benchCpuPercent}%, everything else ${result.otherCpuPercent}%`,
        `poll cycles: ${result.polledCycles} seen, lateness p50 ${result.cycleLatenessP50Ms} ms p90 ${result.cycleLatenessP90Ms} ms p99 ${result.cycleLatenessP99Ms} ms max ${result.cycleLatenessMaxMs} ms, missed ${result.missedCycles}; StreamHubs polled each interval: ${result.pollsByInterval.join(' ')}`,
        `poll lateness in Tally (/metrics): p99 ≤ ${result.pollLatenessP99Ms ?? 'n/a'} ms; event loop lag p99 ${result.eventLoopLagP99Ms ?? 'n/a'} ms, max ${result.eventLoopLagMaxMs ?? 'n/a'} ms over the window`,
        `actions: ${result.actions} ok, ${result.actionsRefused} refused; latency p50 ${result.actionLatencyP50Ms} ms p99 ${result.actionLatencyP99Ms} ms; of ${result.actionsSplit}, in Tally p50 ${result.actionInTallyP50Ms} ms p99 ${result.actionInTallyP99Ms} ms, to the device p50 ${result.actionToDeviceP50Ms} ms p99 ${result.actionToDeviceP99Ms} ms`,
        `live: ${result.liveChanges} changes; after the poll p50 ${result.liveLatencyP50Ms} ms p99 ${result.liveLatencyP99Ms} ms; from the change p99 ${result.changeToLiveP99Ms} ms`,
        `store: ${result.storeRowsPerSecond ?? 'n/a'} rows/s (${Object.entries(result.storeRowsPerSecondByWriter).map(([writer, rate]) => `${writer} ${rate}`).join(', ')}), ${result.storeWriteKBPerSecond ?? 'n/a'} KB/s written`,
      ].join('\n'),
    );
    log(JSON.stringify(result));
  } finally {
    await tally.stop().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
