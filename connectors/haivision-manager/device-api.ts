/**
 * Every path and field name of the Haivision Manager / StreamHub API, and the client that
 * calls it through the element's HTTP session: `api_key` on every request, error bodies
 * in 200 answers detected, 401 turned into a configuration error.
 */
import {
  ActionRefusedError, ConfigError, DeviceHttpError, DeviceProtocolError, type ElementContext, type HttpResponse,
} from '../../src/sdk/index.js';

export const API_KEY_PARAM = 'api_key';

export const PATHS = {
  identity: '/',
  inputs: '/inputs',
  outputs: '/outputs',
  config: '/config',
  configItem: '/config/item',
  linkStats: (input: number) => `/inputs/${input}/linkStats`,
  playSdi: (input: number, connector: number, play: boolean) => `/inputs/${input}/playStream/${connector}/${play ? 'enable' : 'disable'}`,
  playIp: (input: number, outputName: string, play: boolean) =>
    `/inputs/${input}/playIPStream/${encodeURIComponent(outputName)}/${play ? 'enable' : 'disable'}`,
} as const;

/** NDI outputs have no play endpoint: they are switched through configuration items. */
export const ndiConfigItem = (index: number, field: 'channelIndex' | 'enable'): string => `NDIOutput.${index}.${field}`;

/** `GET /` (some firmware spells `Identifier`). */
export interface RawIdentity {
  identifier?: string;
  Identifier?: string;
  hardwareIdentifier?: string;
  version?: string;
  firmwareVersion?: string;
  nbChannel?: number;
  nbOutput?: number;
}

/** One entry of `GET /inputs` (array position k is input k+1). */
export interface RawInput {
  name?: string;
  displayName?: string;
  identifier?: string;
  Identifier?: string;
  product?: string;
  channelType?: string;
  channelStatus?: number;
  connectionStatus?: number;
  inputInfo?: string;
  liveStatus?: number;
  liveStatusErrorParam?: string;
  message?: string;
}

/** `GET /inputs`: `{inputs}` or, on some firmware, `{channels}`. */
export interface RawInputs {
  inputs?: RawInput[];
  channels?: RawInput[];
}

export interface RawOutput {
  name?: string;
  enable?: boolean;
  uid?: string;
  configKey?: string;
  channelSourceIndex?: number;
  input?: string;
  status?: number | null;
  message?: string;
  outputStandard?: string;
  mode?: string;
  connections?: number | unknown[];
  ndiSourceName?: string;
  nbConnect?: number;
}

/** `GET /outputs`: SDI under `output`, IP under `IPOutput` or `IPoutput`, NDI under `NDIOutput`. */
export interface RawOutputs {
  output?: RawOutput[];
  IPOutput?: RawOutput[];
  IPoutput?: RawOutput[];
  NDIOutput?: RawOutput[];
}

export interface RawLink {
  rx_bitrate?: number;
  rtt?: number;
  rx_percent_lost?: number;
}

/** `GET /inputs/{n}/linkStats` */
export interface RawLinkStats {
  links_stats?: RawLink[];
}

export interface RawStreamingOutputConfig {
  name?: string;
  enable?: boolean;
  mode?: string;
  channelIndex?: number;
  encoderIndex?: number;
  url?: string;
}

export interface RawEncoderProfileConfig {
  name?: string;
  videoCodec?: string;
  videoBitrate?: number;
  resolution?: string;
  framerate?: number;
  gop?: number;
  audioCodec?: string;
  audioBitrate?: number;
}

/** `GET /config` (collections keyed by 1-based index strings). */
export interface RawConfig {
  hostname?: string;
  streamingOutput?: Record<string, RawStreamingOutputConfig>;
  encoderProfile?: Record<string, RawEncoderProfileConfig>;
}

const API_KEY_REJECTED = 'API key rejected by the device';
const API_KEY_FORBIDDEN = 'API key not allowed by the device (403 Forbidden)';

/** Parses a body as JSON whatever its content type, and refuses the device's error bodies. */
export function deviceJson(response: HttpResponse): unknown {
  const body = response.json<unknown>();
  const problem = errorInBody(body);
  if (problem !== null) throw new DeviceProtocolError(`device refused: ${problem}`);
  return body;
}

/** The error a 200 body carries (`success:false`, an `error` field, `res` < 0), or null. */
export function errorInBody(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const { success, error, res, message } = body as { success?: unknown; error?: unknown; res?: unknown; message?: unknown };
  const detail = typeof error === 'string' && error !== '' ? error : typeof message === 'string' && message !== '' ? message : null;
  if (success === false) return detail ?? 'success: false';
  if (isErrorValue(error)) return typeof error === 'string' ? error : JSON.stringify(error);
  if (typeof res === 'number' && res < 0) return detail ?? `res ${res}`;
  return null;
}

/** Whether an `error` field reports an error: firmware also sends `error: 0`, `""` or `null` for none. */
function isErrorValue(error: unknown): boolean {
  if (typeof error === 'string') return error !== '';
  if (typeof error === 'number') return error !== 0;
  if (typeof error === 'object') return error !== null;
  return error === true;
}

const CLIENT_SCRATCH_KEY = 'haivisionClient';

/** The element's client, made once per element run rather than once per poll. */
export function clientFor(ctx: ElementContext): HaivisionClient {
  let client = ctx.scratch.get(CLIENT_SCRATCH_KEY) as HaivisionClient | undefined;
  if (!client) {
    client = new HaivisionClient(ctx);
    ctx.scratch.set(CLIENT_SCRATCH_KEY, client);
  }
  return client;
}

/** The device client of one element; every request goes through the element's session. */
export class HaivisionClient {
  constructor(private readonly ctx: ElementContext) {}

  /** GET for polling: failures are poll failures (401 = configuration error). */
  async read<T>(path: string, query: Record<string, string> = {}): Promise<T> {
    return deviceJson(await this.fetch(path, query)) as T;
  }

  /** GET for polling, the answer unparsed: for polls that skip an answer they reported already. */
  fetch(path: string, query: Record<string, string> = {}): Promise<HttpResponse> {
    return this.send(() => this.ctx.http.get(path, { query: this.query(query) }));
  }

  /** A control request: 400/404 and error bodies become refusals the operator reads. */
  async command(path: string, body?: unknown): Promise<void> {
    const query = this.query({});
    const accept = (status: number): boolean => (status >= 200 && status < 300) || status === 400 || status === 404;
    const response = await this.send(() =>
      body === undefined ? this.ctx.http.get(path, { query, accept, retry: false }) : this.ctx.http.post(path, body, { query, accept }),
    );
    const refusal = response.status >= 400 ? refusalText(response) : errorInBody(safeJson(response));
    if (refusal !== null) throw new ActionRefusedError(refusal, response.status === 404 ? 404 : 422);
  }

  /** Sets one configuration item (`POST /config/item`). */
  setConfigItem(item: string, value: unknown): Promise<void> {
    return this.command(PATHS.configItem, { item, value });
  }

  /** Object.assign, not `{ ...extra, key }`: with parameters in `extra`, V8 gives every query made that way a hidden class of its own. */
  private query(extra: Record<string, string>): Record<string, string> {
    return Object.assign({}, extra, { [API_KEY_PARAM]: String(this.ctx.param('apiKey') ?? '') });
  }

  private async send(request: () => Promise<HttpResponse>): Promise<HttpResponse> {
    try {
      return await request();
    } catch (error) {
      // Asking again with the same key cannot succeed: stop polling until the key changes.
      if (error instanceof DeviceHttpError && error.status === 401) throw new ConfigError(API_KEY_REJECTED);
      if (error instanceof DeviceHttpError && error.status === 403) throw new ConfigError(API_KEY_FORBIDDEN);
      throw error;
    } finally {
      this.ctx.setParams({ httpRequestStatus: this.ctx.http.lastStatus });
    }
  }
}

function safeJson(response: HttpResponse): unknown {
  try {
    return response.json();
  } catch {
    return null;
  }
}

function refusalText(response: HttpResponse): string {
  return errorInBody(safeJson(response)) ?? `device answered ${response.statusLine}`;
}
