/**
 * Pure functions from device answers to parameter values and table rows. Tolerant of
 * firmware differences (`IPoutput`/`IPOutput`, `Identifier`/`identifier`,
 * `{inputs}`/`{channels}`, config subtrees bare or wrapped).
 */
import { DeviceProtocolError, type Row, type Value } from '../../src/sdk/index.js';
import type {
  RawConfig, RawEncoderProfileConfig, RawIdentity, RawInput, RawInputs, RawLink, RawLinkStats, RawOutput, RawOutputs,
  RawStreamingOutputConfig,
} from './device-api.js';

/** Input `channelStatus`. */
export const CHANNEL_STATUS = { off: 0, idle: 1, live: 2, error: 3, warning: 4 } as const;
/** Output `status`; the device's null ("no runtime data") is shown as {@link OUTPUT_NO_DATA}. */
export const OUTPUT_STATUS = { idle: 1, live: 2, error: 3, warning: 4 } as const;
export const OUTPUT_NO_DATA = 0;

export type OutputType = 'sdi' | 'ip' | 'ndi';

/**
 * Link-statistics cells of an input row (kept between input polls while it is live). A type,
 * not an interface, so that it is a row's cells as it is (a patch of the inputs table).
 */
export type LinkCells = {
  rxBitrate: number | null;
  rtt: number | null;
  loss: number | null;
};

export const NO_LINK_STATS: LinkCells = Object.freeze({ rxBitrate: null, rtt: null, loss: null });

export function parseIdentity(body: unknown): Record<string, Value> {
  const identity = asObject<RawIdentity>(body, 'identity');
  return {
    identifier: text(identity.identifier ?? identity.Identifier),
    hardwareIdentifier: text(identity.hardwareIdentifier),
    firmwareVersion: text(identity.version ?? identity.firmwareVersion),
    inputCount: count(identity.nbChannel),
    sdiOutputCount: count(identity.nbOutput),
  };
}

/** Whether a channel status means the field unit is streaming (live, or live with a warning). */
export function isLive(channelStatus: Value): boolean {
  return channelStatus === CHANNEL_STATUS.live || channelStatus === CHANNEL_STATUS.warning;
}

/**
 * Rows of the `inputs` table, keyed by 1-based input number. Live inputs keep the link
 * statistics `linkStatsOf` returns (polled separately); others have none.
 */
export function parseInputs(body: unknown, linkStatsOf: (key: string) => LinkCells | undefined): Row[] {
  const answer = asObject<RawInputs>(body, 'inputs');
  const inputs = answer.inputs ?? answer.channels;
  if (!Array.isArray(inputs)) throw new DeviceProtocolError('inputs answer has neither "inputs" nor "channels"');
  const rows: Row[] = [];
  inputs.forEach((raw, position) => {
    if (typeof raw !== 'object' || raw === null) return;
    const input = raw as RawInput;
    const key = String(position + 1);
    const channelStatus = numberOrNull(input.channelStatus);
    const links = isLive(channelStatus) ? (linkStatsOf(key) ?? NO_LINK_STATS) : NO_LINK_STATS;
    rows.push({
      key,
      cells: {
        name: text(input.name) ?? text(input.displayName) ?? `Input ${key}`,
        product: text(input.product),
        identifier: text(input.identifier ?? input.Identifier),
        channelType: text(input.channelType),
        channelStatus,
        connected: input.connectionStatus === 1,
        videoFormat: videoFormat(input.inputInfo),
        message: text(input.message),
        rxBitrate: links.rxBitrate,
        rtt: links.rtt,
        loss: links.loss,
      },
    });
  });
  return rows;
}

/** "1080i50 - H.265 - 8000 kb/s" → "1080i50". */
export function videoFormat(inputInfo: unknown): string | null {
  const info = text(inputInfo);
  return info === null ? null : (text(info.split(' -')[0].trim()) ?? null);
}

/** Sums the links of a live input: total receive bitrate, bitrate-weighted RTT and loss. */
export function parseLinkStats(body: unknown): LinkCells {
  const links = asObject<RawLinkStats>(body, 'link statistics').links_stats;
  if (!Array.isArray(links) || links.length === 0) return NO_LINK_STATS;
  let bitrate = 0;
  let weightedRtt = 0;
  let weightedLoss = 0;
  for (const link of links) {
    const rx = finite(link?.rx_bitrate) ?? 0;
    bitrate += rx;
    weightedRtt += rx * (finite(link?.rtt) ?? 0);
    weightedLoss += rx * (finite(link?.rx_percent_lost) ?? 0);
  }
  const mean = (sum: number, plain: (link: RawLink | undefined) => unknown): number =>
    bitrate > 0 ? sum / bitrate : links.reduce((total, link) => total + (finite(plain(link)) ?? 0), 0) / links.length;
  return {
    rxBitrate: bitrate,
    rtt: round(mean(weightedRtt, (link) => link?.rtt), 1),
    loss: round(mean(weightedLoss, (link) => link?.rx_percent_lost), 2),
  };
}

export interface OutputTables {
  sdiOutputs: Row[];
  ipOutputs: Row[];
  ndiOutputs: Row[];
}

/**
 * Rows of the three output tables. Keys are unique across them (actions are shared):
 * SDI `sdi_<connector>`, NDI `ndi_<index>`, IP the output's name (what its endpoint takes).
 */
export function parseOutputs(body: unknown): OutputTables {
  const answer = asObject<RawOutputs>(body, 'outputs');
  const list = (value: unknown): RawOutput[] => (Array.isArray(value) ? value.filter(isObject) : []);
  return {
    sdiOutputs: list(answer.output).map((output, position) => {
      const connector = uidNumber(output.uid, 'sdi') ?? position + 1;
      const cells = commonCells(output, 'sdi', `SDI ${connector}`);
      cells.connector = connector;
      cells.standard = text(output.outputStandard);
      return { key: `sdi_${connector}`, cells };
    }),
    ipOutputs: list(answer.IPOutput ?? answer.IPoutput).flatMap((output) => {
      const name = text(output.name);
      // The IP endpoints address an output by name: one without a name cannot be driven.
      if (name === null) return [];
      const cells = commonCells(output, 'ip', name);
      cells.mode = text(output.mode);
      cells.connections = connectionCount(output.connections);
      return [{ key: name, cells }];
    }),
    ndiOutputs: list(answer.NDIOutput).map((output, position) => {
      const index = uidNumber(output.uid, 'ndi') ?? trailingNumber(output.configKey) ?? position + 1;
      const cells = commonCells(output, 'ndi', `NDI ${index}`);
      cells.index = index;
      cells.ndiSourceName = text(output.ndiSourceName);
      cells.connections = connectionCount(output.nbConnect);
      return { key: `ndi_${index}`, cells };
    }),
  };
}

/**
 * The cells every output table has, as one object literal the caller adds its own cells to.
 * Never `{ ...commonCells(), more }`: V8 gives each object made by a spread followed by more
 * properties a hidden class of its own, and thousands of rows with one each cost the
 * garbage collector and every function that reads them (bench/README.md, round 15).
 */
function commonCells(output: RawOutput, outputType: OutputType, fallbackName: string): Record<string, Value> {
  const sourceIndex = numberOrNull(output.channelSourceIndex);
  return {
    name: text(output.name) ?? fallbackName,
    status: output.status === null || output.status === undefined ? OUTPUT_NO_DATA : numberOrNull(output.status),
    enable: output.enable === true,
    source: text(output.input),
    sourceInput: sourceIndex !== null && sourceIndex >= 0 ? String(sourceIndex + 1) : '',
    message: text(output.message),
    outputType,
  };
}

/** Counts of a table's rows by health, for the General page. */
export interface StatusCounts {
  live: number;
  idle: number;
  errors: number;
  warnings: number;
}

export function countInputs(rows: Row[]): StatusCounts {
  return countBy(rows, 'channelStatus', CHANNEL_STATUS);
}

export function countOutputs(rows: Row[]): StatusCounts {
  return countBy(rows, 'status', OUTPUT_STATUS);
}

function countBy(rows: Row[], column: string, status: { idle: number; live: number; error: number; warning: number }): StatusCounts {
  const counts: StatusCounts = { live: 0, idle: 0, errors: 0, warnings: 0 };
  for (const row of rows) {
    const value = row.cells[column];
    if (value === status.live) counts.live++;
    else if (value === status.idle) counts.idle++;
    else if (value === status.error) counts.errors++;
    else if (value === status.warning) counts.warnings++;
  }
  return counts;
}

export type HealthStatus = 'ok' | 'warning' | 'error' | 'unknown';

/** `healthStatus` and the counts behind it; unknown until both inputs and outputs were read. */
export function healthParams(inputs: StatusCounts | undefined, outputs: StatusCounts | undefined): Record<string, Value> {
  const failing = (counts: StatusCounts | undefined): number | null => (counts ? counts.errors + counts.warnings : null);
  let health: HealthStatus = 'unknown';
  if (inputs && outputs) {
    health = inputs.errors + outputs.errors > 0 ? 'error' : inputs.warnings + outputs.warnings > 0 ? 'warning' : 'ok';
  }
  return {
    healthStatus: health,
    liveInputCount: inputs?.live ?? null,
    idleInputCount: inputs?.idle ?? null,
    failingInputCount: failing(inputs),
    liveOutputCount: outputs?.live ?? null,
    idleOutputCount: outputs?.idle ?? null,
    failingOutputCount: failing(outputs),
  };
}

export interface ConfigurationRows {
  deviceHostname: string | null;
  streamingOutputs: Row[];
  encoderProfiles: Row[];
}

/** The Configuration page from `GET /config` (tolerates the tree under `config` or `data`). */
export function parseConfig(body: unknown): ConfigurationRows {
  const root = asObject<Record<string, unknown>>(body, 'configuration');
  const config = (['config', 'data'].map((wrapper) => root[wrapper]).find(isObject) ?? root) as RawConfig;
  return {
    deviceHostname: text(config.hostname),
    streamingOutputs: collection<RawStreamingOutputConfig>(config.streamingOutput).map(([key, output]) => ({
      key,
      cells: {
        name: text(output.name),
        enable: output.enable === true,
        mode: text(output.mode),
        sourceInput: oneBased(output.channelIndex),
        encoder: oneBased(output.encoderIndex),
        url: text(output.url),
      },
    })),
    encoderProfiles: collection<RawEncoderProfileConfig>(config.encoderProfile).map(([key, profile]) => ({
      key,
      cells: {
        name: text(profile.name) ?? `Profile ${key}`,
        videoCodec: text(profile.videoCodec),
        videoBitrate: finite(profile.videoBitrate),
        resolution: text(profile.resolution),
        framerate: finite(profile.framerate),
        gop: finite(profile.gop),
        audioCodec: text(profile.audioCodec),
        audioBitrate: finite(profile.audioBitrate),
      },
    })),
  };
}

/** A config collection: an object keyed by 1-based index strings, or (tolerated) an array. */
function collection<T>(value: unknown): [string, T][] {
  if (Array.isArray(value)) return value.flatMap((entry, i) => (isObject(entry) ? [[String(i + 1), entry as T]] : []));
  if (!isObject(value)) return [];
  return Object.entries(value)
    .filter((entry): entry is [string, Record<string, unknown>] => isObject(entry[1]))
    .sort(([a], [b]) => Number(a) - Number(b) || a.localeCompare(b))
    .map(([key, entry]) => [key, entry as T]);
}

function asObject<T>(body: unknown, what: string): T {
  if (!isObject(body)) throw new DeviceProtocolError(`${what} answer is not a JSON object`);
  return body as T;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

const numberOrNull = finite;

function count(value: unknown): number | null {
  const number = finite(value);
  return number !== null && number >= 0 ? Math.floor(number) : null;
}

/** A 0-based device index (−1 = none) as a 1-based number. */
function oneBased(value: unknown): number | null {
  const index = finite(value);
  return index !== null && index >= 0 ? index + 1 : null;
}

function connectionCount(value: unknown): number | null {
  return Array.isArray(value) ? value.length : count(value);
}

function uidNumber(uid: unknown, kind: 'sdi' | 'ndi'): number | null {
  const match = typeof uid === 'string' ? new RegExp(`${kind}_(\\d+)$`, 'i').exec(uid) : null;
  return match ? Number(match[1]) : null;
}

function trailingNumber(value: unknown): number | null {
  const match = typeof value === 'string' ? /(\d+)$/.exec(value) : null;
  return match ? Number(match[1]) : null;
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
