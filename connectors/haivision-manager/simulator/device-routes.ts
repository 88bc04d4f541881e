/**
 * The documented device API, routed onto a {@link DeviceModel}. Root paths, `api_key` on
 * every request, only GET and POST, JSON (some of it labelled text/html, as real firmware
 * does), logs as text/plain.
 */
import { ConfigItemError } from './device-config.js';
import type { DeviceModel } from './device-model.js';
import type { DeviceResponse, InputState, OutputKind, OutputState, QueryParams } from './device-types.js';
import { renderIdentity, renderInputs, renderOutputs } from './device-views.js';
import { encodeGreyJpeg } from './thumbnail-jpeg.js';

const JSON_TYPE = 'application/json';
/** Some firmware labels JSON as HTML; the identity and command answers do so here. */
const HTML_LABELLED_JSON = 'text/html; charset=utf-8';

const json = (status: number, body: unknown, contentType = JSON_TYPE): DeviceResponse => ({ status, contentType, body: JSON.stringify(body) });
const failure = (status: number, error: string): DeviceResponse => json(status, { success: false, error });
const done = (): DeviceResponse => json(200, { success: true, res: 0 }, HTML_LABELLED_JSON);
/** A 200 that still refuses: clients must read `res` and `success`. */
const refusedIn200 = (error: string): DeviceResponse => json(200, { success: false, res: -1, error }, HTML_LABELLED_JSON);

export function handleDeviceRequest(device: DeviceModel, method: string, path: string, query: QueryParams, body: unknown): DeviceResponse {
  if (query.api_key !== device.apiKey) return failure(401, 'Unauthorized: missing or invalid api_key');
  if (method !== 'GET' && method !== 'POST') return failure(405, `${method} is not allowed`);
  let segments: string[];
  try {
    segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return failure(400, 'malformed path');
  }
  const [root, ...rest] = segments;
  if (method === 'POST') {
    return root === 'config' && rest.length === 1 && rest[0] === 'item' ? setConfigItem(device, body) : failure(404, 'not found');
  }
  switch (root) {
    case undefined: return json(200, renderIdentity(device), HTML_LABELLED_JSON);
    case 'inputs': return rest.length === 0 ? device.keptAnswer(root, () => json(200, renderInputs(device))) : inputRoute(device, rest);
    case 'outputs': return rest.length === 0 ? device.keptAnswer(root, () => json(200, renderOutputs(device))) : failure(404, 'not found');
    case 'config': return rest.length === 0 ? config(device, query.path) : failure(404, 'not found');
    case 'logs': return rest.length === 0 ? { status: 200, contentType: 'text/plain; charset=utf-8', body: device.logs().join('\n') + '\n' } : failure(404, 'not found');
    default: return failure(404, 'not found');
  }
}

function config(device: DeviceModel, path: string | undefined): DeviceResponse {
  if (path === undefined || path === '') return json(200, device.config.tree());
  const subtree = device.config.subtree(path);
  return subtree === undefined ? failure(404, `no configuration ${path}`) : json(200, { [path]: subtree });
}

function setConfigItem(device: DeviceModel, body: unknown): DeviceResponse {
  const request = body as { item?: unknown; value?: unknown } | null;
  if (typeof request?.item !== 'string' || !('value' in request)) return failure(400, 'expected {"item", "value"}');
  try {
    device.config.setItem(request.item, request.value);
    return done();
  } catch (error) {
    if (error instanceof ConfigItemError) return failure(error.status, error.message);
    throw error;
  }
}

function inputRoute(device: DeviceModel, [number, action, target, verb, ...extra]: string[]): DeviceResponse {
  const input = /^\d+$/.test(number) ? device.input(Number(number)) : undefined;
  if (!input) return failure(404, `no input ${number}`);
  if (extra.length > 0) return failure(404, 'not found');
  switch (action) {
    case 'linkStats': return target === undefined ? json(200, linkStats(input)) : failure(404, 'not found');
    case 'streamStats': return target === undefined ? json(200, streamStats(input)) : failure(404, 'not found');
    case 'preview': return target === undefined ? json(200, preview(device, input)) : failure(404, 'not found');
    case 'live': return verb === undefined ? liveCommand(device, input, target) : failure(404, 'not found');
    case 'record': return verb === undefined ? recordCommand(device, input, target) : failure(404, 'not found');
    case 'playStream': return playCommand(device, input, 'sdi', outputByIndex(device, 'sdi', target), verb);
    case 'playIPStream': return playCommand(device, input, 'ip', device.ipOutputs.find((output) => output.name === target), verb);
    default: return failure(404, 'not found');
  }
}

function outputByIndex(device: DeviceModel, kind: OutputKind, index: string | undefined): OutputState | undefined {
  return index !== undefined && /^\d+$/.test(index) ? device.output(kind, Number(index)) : undefined;
}

function playCommand(device: DeviceModel, input: InputState, kind: OutputKind, output: OutputState | undefined, verb: string | undefined): DeviceResponse {
  const label = kind === 'sdi' ? 'SDI output' : 'IP output';
  if (!output) return failure(404, `no such ${label}`);
  if (verb === 'enable') {
    device.play(output, input.number);
    return done();
  }
  if (verb === 'disable') {
    if (!output.enable || output.sourceIndex !== input.number - 1) return failure(400, `${output.name} is not playing input ${input.number}`);
    device.stop(output);
    return done();
  }
  return failure(404, 'not found');
}

function liveCommand(device: DeviceModel, input: InputState, verb: string | undefined): DeviceResponse {
  if (input.kind !== 'fieldUnit') return refusedIn200(`${input.name} is not a field unit`);
  switch (verb) {
    case 'start':
      if (!input.connected || input.remoteControl <= 0) return refusedIn200(`${input.name} does not accept remote control`);
      device.setLive(input, true);
      return done();
    case 'stop':
      device.setLive(input, false);
      return done();
    case 'eject':
      device.setConnected(input, false);
      return done();
    default:
      return failure(404, 'not found');
  }
}

function recordCommand(device: DeviceModel, input: InputState, verb: string | undefined): DeviceResponse {
  if (verb !== 'start' && verb !== 'stop') return failure(404, 'not found');
  if (!input.connected || input.kind !== 'fieldUnit') return refusedIn200(`${input.name} cannot record`);
  device.setRecording(input, verb === 'start');
  device.log('INFO', 'recorder', `${input.name} recording ${verb === 'start' ? 'started' : 'stopped'}`);
  return done();
}

function linkStats(input: InputState): unknown {
  return {
    links_stats: (input.live ? input.links : []).map((link) => ({
      itf_name: link.itf,
      name: link.name,
      rx_bitrate: link.rxBitrate,
      tx_bitrate: link.txBitrate,
      rtt: link.rtt,
      rx_percent_lost: link.lossPercent,
      rx_lost_nb_packets: link.lostPackets,
    })),
  };
}

function streamStats(input: InputState): unknown {
  const lost = [{ rx_lost_packets: input.lostPackets }];
  return input.live ? { video: lost, 'mpegts-up': lost } : { video: [], 'mpegts-up': [] };
}

function preview(device: DeviceModel, input: InputState): unknown {
  if (!input.live) return { thumbnail: '', audioLevels: [] };
  const frame = Math.floor(device.now / 1000);
  const jpeg = encodeGreyJpeg(32, 16, (x, y) => 40 + ((x * 37 + y * 53 + input.number * 29 + frame * 7) % 180));
  const level = -12 - ((frame + input.number) % 20);
  return {
    thumbnail: jpeg.toString('base64'),
    audioLevels: [{ peak: level, decay: level - 3 }, { peak: level - 1.5, decay: level - 4.5 }],
  };
}
