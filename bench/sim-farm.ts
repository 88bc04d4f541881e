/**
 * One process of the simulator farm: up to {@link devicesPerShard} simulated devices
 * (StreamHub device models, and CLOUDPORT services), each listening on its own loopback
 * address. Models advance only when asked (at each request), so idle devices cost nothing;
 * StreamHubs answer through the lean server of farm-http.ts.
 *
 * It records what the bench measures at the device: when each periodic poll arrived (poll
 * lateness), when an operator command arrived (action latency), when the first poll after
 * a device-side change was answered (live latency), and the request mix (the floor replays
 * it). Driven over IPC by bench/run.ts.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DeviceModel } from '../connectors/haivision-manager/simulator/index.js';
import type { QueryParams } from '../connectors/haivision-manager/simulator/device-types.js';
import { CloudportModel } from '../connectors/amagi-cloudport/simulator/index.js';
import { listen, type ListeningAdapter } from '../connectors/amagi-cloudport/simulator/http-adapter.js';
import { isLive, parseInputs } from '../connectors/haivision-manager/parse-responses.js';
import { PATHS } from '../connectors/haivision-manager/device-api.js';
import { createPlainHttpServer, type PlainAnswer, type PlainRequest } from './farm-http.js';
import { countByInterval, cycleLateness } from './poll-lateness.js';
import { CHANGED_INPUT, DEVICE_PORT, FARM_API_KEY, deviceHost, deviceKind, preciseNow } from './farm-layout.js';
import type { FarmDevices, FarmReply, FarmRequest, RequestMix } from './farm-protocol.js';
import { isOperatorCommand } from './action-timing.js';

/**
 * Log lines each StreamHub keeps. Tally does not read devices' logs, and at the model's own
 * 500 a farm process's heap grew by some 280 MB an hour, and its CPU a request and its
 * collector's pauses with it: the hour-long soaks measured Tally against an ever slower farm.
 */
const LOG_LINES_KEPT = 20;

/** The request each StreamHub answers once per cycle whatever operators do: the lateness probe. */
const PERIODIC_PATH = '/inputs';

interface FarmDevice {
  index: number;
  close(): Promise<void>;
  /** The StreamHub's model; CLOUDPORT services have none. */
  model?: DeviceModel;
  arrivals: number[];
  /** A device-side change waiting for the poll that sees it. */
  pendingChange: boolean;
  mix: Map<string, { count: number; authorization?: string }>;
}

const devices: FarmDevice[] = [];
let requests = 0;
/** Periodic (probe) requests answered since start, recorded or not. */
let probes = 0;
let recording = false;
/**
 * The farm's own event-loop lag while recording: a device that answers late because the farm
 * stalled (its collector, or its processes at a lower priority than Tally's on a full
 * machine) adds to the action and live latencies measured at it, so the bench reports it.
 */
const loopLag = monitorEventLoopDelay({ resolution: 10 });

process.on('message', (message: FarmRequest) => {
  handle(message).then(
    (reply) => reply && send(reply),
    (error: unknown) => send({ type: 'error', message: (error as Error).stack ?? String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));

function send(reply: FarmReply): void {
  // The bench exits at once when a farm fails to start (a port still held, say), so a
  // reply can find the channel closed: drop it rather than die of EPIPE, as the
  // disconnect ends this process anyway.
  if (process.connected) process.send?.(reply, undefined, {}, () => undefined);
}

async function handle(message: FarmRequest): Promise<FarmReply | undefined> {
  switch (message.type) {
    case 'start':
      for (let index = message.first; index < message.first + message.count; index++) {
        devices.push(await startDevice(index, message.devices));
      }
      return { type: 'ready', count: devices.length };
    case 'record':
      recording = message.on;
      if (message.on) {
        for (const device of devices) device.arrivals.length = 0;
        loopLag.reset();
        loopLag.enable();
      }
      return { type: 'recording', on: recording };
    case 'counters':
      return { type: 'counters', requests, probes };
    case 'change':
      return change(message.index);
    case 'report':
      return report(message.from, message.to, message.intervalMs);
    case 'plan':
      return { type: 'plan', devices: devices.flatMap((device) => (device.model ? [fullRatePlan(device.index, device.model)] : [])) };
    case 'stop':
      await Promise.all(devices.map((device) => device.close()));
      return { type: 'stopped' };
  }
}

function byIndex(index: number): FarmDevice | undefined {
  const first = devices[0]?.index ?? 0;
  return devices[index - first];
}

async function startDevice(index: number, { cloudportShare, seed, latencyMs }: FarmDevices): Promise<FarmDevice> {
  const host = deviceHost(index);
  const device: FarmDevice = { index, arrivals: [], pendingChange: false, mix: new Map(), close: async () => undefined };
  if (deviceKind(index, cloudportShare) === 'amagi-cloudport') {
    const model = new CloudportModel({ seed: seed + index, customer: `bench-${index}` });
    if (latencyMs > 0) model.faults.latencyMs = latencyMs;
    const adapter: ListeningAdapter = await listen(model, { host, port: DEVICE_PORT });
    device.close = () => adapter.close();
    // The adapter owns its server: observe the requests where it hands them to the model.
    const handleRequest = model.handle.bind(model);
    model.handle = (request) => {
      requests++;
      if (recording && request.method === 'GET') {
        const query = request.query.toString();
        remember(device, query ? `${request.path}?${query}` : request.path, request.headers.authorization);
      }
      return handleRequest(request);
    };
    return device;
  }
  const model = new DeviceModel({ seed: seed + index, apiKey: FARM_API_KEY, identifier: `SH-BENCH-${index}`, now: Date.now(), logCapacity: LOG_LINES_KEPT });
  device.model = model;
  const server = createPlainHttpServer((request) => answer(device, model, request), latencyMs);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(DEVICE_PORT, host, () => resolve());
  });
  device.close = () => server.stop();
  return device;
}

/** Moves the StreamHub on to now and answers, noting what the bench measures at the device. */
function answer(device: FarmDevice, model: DeviceModel, request: PlainRequest): PlainAnswer {
  requests++;
  const at = preciseNow();
  const query = request.target.indexOf('?');
  const path = query < 0 ? request.target : request.target.slice(0, query);
  model.advance(Date.now());
  const body = bodyOf(request.body);
  const reply: PlainAnswer =
    body === NOT_JSON
      ? { status: 400, contentType: 'application/json', body: '{"success":false,"error":"body is not JSON"}' }
      : model.handle(request.method, path, queryOf(request.target, query), body);
  if (isOperatorCommand(request.method, path)) send({ type: 'command', index: device.index, at });
  if (request.method !== 'GET') return reply;
  if (recording) remember(device, request.target, undefined);
  if (path !== PERIODIC_PATH) return reply;
  probes++;
  if (recording) device.arrivals.push(at);
  // Changes are followed whether or not the window is recorded: the last ones land after it.
  if (device.pendingChange) {
    device.pendingChange = false;
    reply.sent = () => send({ type: 'seen', index: device.index, at: preciseNow() });
  }
  return reply;
}

function queryOf(target: string, start: number): QueryParams {
  return start < 0 ? {} : Object.fromEntries(new URLSearchParams(target.slice(start + 1)));
}

const NOT_JSON = Symbol('not JSON');

function bodyOf(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

function remember(device: FarmDevice, url: string, authorization: string | undefined): void {
  const seen = device.mix.get(url);
  if (seen) {
    seen.count++;
    seen.authorization = authorization;
  } else device.mix.set(url, { count: 1, authorization });
}

/** Connects or disconnects the device's last input, as a field unit coming and going would. */
function change(index: number): FarmReply {
  const device = byIndex(index);
  const input = device?.model?.input(CHANGED_INPUT);
  if (!device?.model || !input) return { type: 'error', message: `device ${index} has no input ${CHANGED_INPUT}` };
  const connected = !input.connected;
  device.model.setConnected(input, connected);
  device.pendingChange = true;
  return { type: 'changed', index, inputKey: String(CHANGED_INPUT), connected, at: preciseNow() };
}

/**
 * The requests the Haivision connector makes of this StreamHub in one cycle when it keeps up:
 * its inputs, its outputs, and the link statistics of each live input, found from the
 * device's own answer by the connector's own parsing.
 */
function fullRatePlan(index: number, model: DeviceModel): RequestMix {
  const withKey = (path: string): string => `${path}?api_key=${encodeURIComponent(FARM_API_KEY)}`;
  const answer = model.handle('GET', PATHS.inputs, { api_key: FARM_API_KEY }, null);
  const live = parseInputs(JSON.parse(answer.body), () => undefined).filter((row) => isLive(row.cells.channelStatus));
  const paths = [PATHS.inputs, PATHS.outputs, ...live.map((row) => PATHS.linkStats(Number(row.key)))];
  return { index, paths: paths.map((path) => ({ url: withKey(path), count: 1 })) };
}

function report(from: number, to: number, intervalMs: number): FarmReply {
  const lateness: number[] = [];
  let missed = 0;
  let polls = 0;
  const mix: RequestMix[] = [];
  // Whole intervals only: a last part-interval would read as a run falling behind.
  const pollsByInterval = new Array<number>(Math.floor((to - from) / intervalMs)).fill(0);
  for (const device of devices) {
    if (device.model) {
      const figures = cycleLateness(device.arrivals, intervalMs, from, to);
      for (const value of figures.lateness) lateness.push(Math.round(value * 10) / 10);
      missed += figures.missed;
      polls += figures.polls;
      countByInterval(device.arrivals, intervalMs, from, pollsByInterval);
    }
    mix.push({ index: device.index, paths: [...device.mix].map(([url, { count, authorization }]) => ({ url, count, authorization })) });
  }
  loopLag.disable();
  // The histogram is in ns and includes the 10 ms resolution's own wait.
  const lagMs = (ns: number): number => Math.round(Math.max(0, ns / 1e6 - 10) * 10) / 10;
  return { type: 'report', lateness, missed, polls, pollsByInterval, mix, loopLagP99Ms: lagMs(loopLag.percentile(99)), loopLagMaxMs: lagMs(loopLag.max) };
}
