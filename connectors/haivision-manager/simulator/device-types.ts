/** The simulated StreamHub's state, as plain data (what `GET /_sim/state` shows). */

export interface LinkState {
  itf: string;
  name: string;
  rxBitrate: number;
  txBitrate: number;
  rtt: number;
  lossPercent: number;
  lostPackets: number;
}

export type InputKind = 'fieldUnit' | 'ip' | 'ndi';

export interface InputState {
  number: number;
  kind: InputKind;
  name: string;
  identifier: string;
  product: string;
  familyName: string;
  firmwareName: string;
  version: string;
  hardwareIdentifier: string;
  connected: boolean;
  live: boolean;
  recording: boolean;
  /** Field-unit error code (negative), with its argument, or null. */
  liveError: { code: number; param: string } | null;
  remoteControl: number;
  videoFormat: string;
  videoCodec: string;
  videoBitrate: number;
  latitude: number;
  longitude: number;
  links: LinkState[];
  lostPackets: number;
}

export type OutputKind = 'sdi' | 'ip' | 'ndi';

export interface OutputFault {
  token: string;
  /** 3 error or 4 warning. */
  status: 3 | 4;
  /** Device time (ms) at which it clears by itself; null = until cleared through /_sim. */
  until: number | null;
}

export interface OutputState {
  kind: OutputKind;
  /** 1-based: SDI connector number, NDI / IP configuration index. */
  index: number;
  name: string;
  enable: boolean;
  /** 0-based input feeding it, −1 = none. */
  sourceIndex: number;
  fault: OutputFault | null;
  lockstate: number;
  standard: string;
  mode: string;
  encoderIndex: number;
  connections: number;
  serverMode: boolean;
  destinations: string[];
  ndiSourceName: string;
}

export interface DeviceIdentity {
  identifier: string;
  hardwareIdentifier: string;
  dockerId: string;
  version: string;
  hostname: string;
}

/** What a request handler answers; the HTTP layer only copies it onto the socket. */
export interface DeviceResponse {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
  /** Spaces sent after the body (the oversized-body fault), streamed rather than held in memory. */
  paddingBytes?: number;
}

export type QueryParams = Record<string, string | undefined>;
