/**
 * The simulated StreamHub: its state and how it lives on. Independent of node:http so a
 * simulator farm can host thousands of these in one process: time moves only when
 * {@link DeviceModel.advance} is called (no timers), and a request is one method call.
 */
import {
  CITIES, ENCODER_PROFILES, FIELD_UNIT_PRODUCTS, IP_OUTPUT_MODES, LINK_INTERFACES, LIVE_ERROR_LOW_BITRATE,
  OUTPUT_ERROR_TOKENS, OUTPUT_WARNING_TOKENS, SDI_STANDARDS, VIDEO_CODECS, VIDEO_FORMATS,
} from './catalogue.js';
import type { DeviceIdentity, DeviceResponse, InputState, LinkState, OutputFault, OutputKind, OutputState, QueryParams } from './device-types.js';
import { handleDeviceRequest } from './device-routes.js';
import { hasLossWarning } from './device-views.js';
import { DeviceConfig } from './device-config.js';
import { Prng } from '../../../src/sdk/simulator-kit/index.js';

export interface DeviceModelOptions {
  seed?: number;
  apiKey?: string;
  /** Counts: inputs ≤ 32, SDI ≤ 8, NDI ≤ 8, IP ≤ 32. */
  inputs?: number;
  sdi?: number;
  ndi?: number;
  ip?: number;
  identifier?: string;
  /** Device time at creation, epoch ms. */
  now?: number;
  /** Answer like older firmware: `Identifier`, `{channels}`, `IPoutput`, no version. */
  legacyFirmware?: boolean;
  /**
   * Lines `GET /logs` keeps, {@link LOG_CAPACITY} unless said. A bench farm of thousands of
   * devices whose logs nobody reads keeps a few: a StreamHub logs about 2.3 lines a minute,
   * each about 330 bytes of heap as built, so 5,000 devices filling up to 500 lines grew a
   * farm process's heap by some 280 MB an hour (bench/README.md, round 23).
   */
  logCapacity?: number;
}

export const LIMITS = { inputs: 32, sdi: 8, ndi: 8, ip: 32 } as const;
const DEFAULT_COUNTS = { inputs: 8, sdi: 4, ndi: 2, ip: 4 } as const;
const STEP_MS = 1000;
/** A long jump in time replays at most this many steps: enough to reshuffle everything. */
const MAX_STEPS_PER_ADVANCE = 3600;
export const LOG_CAPACITY = 500;

/** The answers kept between changes. */
export type KeptRoute = 'inputs' | 'outputs';

/** Per-second probabilities of the device's life. */
const ODDS = {
  fieldUnitConnects: 0.004,
  fieldUnitDisconnects: 0.002,
  goesLive: 0.008,
  stopsLive: 0.003,
  liveError: 0.0005,
  liveErrorClears: 0.05,
  ipInputToggles: 0.001,
  outputFault: 0.0008,
  lossBurst: 0.0005,
  receiversChange: 0.01,
} as const;

export class DeviceModel {
  readonly seed: number;
  readonly apiKey: string;
  readonly legacyFirmware: boolean;
  readonly identity: DeviceIdentity;
  readonly inputs: InputState[];
  readonly sdiOutputs: OutputState[];
  readonly ipOutputs: OutputState[];
  readonly ndiOutputs: OutputState[];
  readonly config: DeviceConfig;
  private readonly random: Prng;
  private readonly logLines: string[] = [];
  private readonly logCapacity: number;
  /**
   * Bumped by every change the inputs answer, and the outputs answer, shows. A poller asks
   * for them far more often than they change: at 10,000 devices, rendering and stringifying
   * the same answers again took over a quarter of the simulator farm's event loop, and the
   * farm shares the machine with the poller it measures. So each is kept with the revision it
   * was built at, and the state must change only through this class's methods, which bump
   * them. Two, because most changes show in one answer only: receivers and faults only in the
   * outputs, recording and link warnings only in the inputs.
   */
  private inputsRevision = 0;
  private outputsRevision = 0;
  private readonly keptAnswers = new Map<KeptRoute, { revision: number; answer: DeviceResponse }>();
  private clock: number;
  private lastStepAt: number;

  constructor(options: DeviceModelOptions = {}) {
    this.seed = options.seed ?? 1;
    this.random = new Prng(this.seed);
    this.apiKey = options.apiKey ?? 'streamhub-sim-key';
    this.legacyFirmware = options.legacyFirmware ?? false;
    this.logCapacity = Math.max(1, options.logCapacity ?? LOG_CAPACITY);
    this.clock = options.now ?? Date.UTC(2026, 0, 1);
    this.lastStepAt = this.clock;
    const hex = this.random.hex(12);
    this.identity = {
      identifier: options.identifier ?? `SH-SIM-${hex.slice(0, 4).toUpperCase()}`,
      hardwareIdentifier: hex,
      dockerId: this.random.hex(12),
      version: '4.1.0',
      hostname: `streamhub-${hex.slice(0, 6)}`,
    };
    this.log('INFO', 'manager', `StreamHub ${this.identity.identifier} started, firmware ${this.identity.version}`);
    const count = (kind: keyof typeof LIMITS): number =>
      clampCount(options[kind] ?? DEFAULT_COUNTS[kind], kind === 'inputs' ? 1 : 0, LIMITS[kind]);
    this.inputs = Array.from({ length: count('inputs') }, (_, i) => this.createInput(i + 1));
    this.sdiOutputs = Array.from({ length: count('sdi') }, (_, i) => this.createOutput('sdi', i + 1));
    this.ipOutputs = Array.from({ length: count('ip') }, (_, i) => this.createOutput('ip', i + 1));
    this.ndiOutputs = Array.from({ length: count('ndi') }, (_, i) => this.createOutput('ndi', i + 1));
    this.config = new DeviceConfig(this, ENCODER_PROFILES.length);
    this.routeInitialStreams();
  }

  /** Device time, epoch ms. */
  get now(): number {
    return this.clock;
  }

  /** Moves the device's life on to `now` (whole seconds since creation are replayed). */
  advance(now: number): void {
    if (now <= this.clock) return;
    const due = Math.floor((now - this.lastStepAt) / STEP_MS);
    const steps = Math.min(due, MAX_STEPS_PER_ADVANCE);
    for (let i = 0; i < steps; i++) {
      this.clock = this.lastStepAt + (i + 1) * STEP_MS;
      this.step();
    }
    this.lastStepAt += due * STEP_MS;
    this.clock = now;
  }

  /** Answers one device API request (the documented surface, api_key checked). */
  handle(method: string, path: string, query: QueryParams, body: unknown): DeviceResponse {
    return handleDeviceRequest(this, method, path, query, body);
  }

  /**
   * The answer `build` gives for `route`, built again only when what it shows changed since
   * the last one. A copy each time: the caller may add to it.
   */
  keptAnswer(route: KeptRoute, build: () => DeviceResponse): DeviceResponse {
    const revision = route === 'inputs' ? this.inputsRevision : this.outputsRevision;
    let kept = this.keptAnswers.get(route);
    if (kept?.revision !== revision) {
      kept = { revision, answer: build() };
      this.keptAnswers.set(route, kept);
    }
    return { ...kept.answer };
  }

  output(kind: OutputKind, index: number): OutputState | undefined {
    return this.outputsOf(kind).find((output) => output.index === index);
  }

  outputsOf(kind: OutputKind): OutputState[] {
    return kind === 'sdi' ? this.sdiOutputs : kind === 'ip' ? this.ipOutputs : this.ndiOutputs;
  }

  input(number: number): InputState | undefined {
    return this.inputs[number - 1];
  }

  /** Routes input `inputNumber` to an output and enables it, as playStream does. */
  play(output: OutputState, inputNumber: number): void {
    const input = this.inputs[inputNumber - 1];
    output.sourceIndex = inputNumber - 1;
    output.enable = true;
    output.fault = null;
    this.outputsRevision++;
    this.log('INFO', 'player', `${output.name}: playing ${input.name}`);
  }

  /** Disables an output, as the disable endpoints do. */
  stop(output: OutputState): void {
    output.enable = false;
    output.fault = null;
    output.connections = 0;
    this.outputsRevision++;
    this.log('INFO', 'player', `${output.name}: stopped`);
  }

  setConnected(input: InputState, connected: boolean): void {
    if (input.connected === connected) return;
    input.connected = connected;
    this.sourceChanged();
    if (!connected) {
      input.live = false;
      input.liveError = null;
      input.recording = false;
    }
    input.links = connected && input.kind === 'fieldUnit' ? this.createLinks() : [];
    this.log(connected ? 'INFO' : 'WARNING', 'manager', `${input.name} ${connected ? 'connected' : 'disconnected'}`);
  }

  setLive(input: InputState, live: boolean): void {
    if (live && !input.connected) this.setConnected(input, true);
    if (input.live === live && input.liveError === null) return;
    input.live = live;
    input.liveError = null;
    this.sourceChanged();
    this.log('INFO', 'manager', `${input.name} live ${live ? 'started' : 'stopped'}`);
  }

  setLiveError(input: InputState, code: number, param: string): void {
    input.live = false;
    input.liveError = { code, param };
    this.sourceChanged();
    this.log('ERROR', 'manager', `${input.name} live error ${code} (${param})`);
  }

  setRecording(input: InputState, recording: boolean): void {
    input.recording = recording;
    this.inputsRevision++;
  }

  /** Sets or clears (null) an output's fault. */
  setOutputFault(output: OutputState, fault: OutputFault | null): void {
    output.fault = fault;
    this.outputsRevision++;
  }

  /** Points an output at input index `sourceIndex` (0-based, −1 none), playing it if the output is enabled. */
  routeOutput(output: OutputState, sourceIndex: number): void {
    output.sourceIndex = sourceIndex;
    this.outputsRevision++;
    if (output.enable && sourceIndex >= 0) this.play(output, sourceIndex + 1);
  }

  renameOutput(output: OutputState, name: string): void {
    output.name = name;
    this.outputsRevision++;
  }

  /** An input's connection or live state changed: outputs show their source's state and name too. */
  private sourceChanged(): void {
    this.inputsRevision++;
    this.outputsRevision++;
  }

  /** The `GET /logs` lines, oldest first. */
  logs(): readonly string[] {
    return this.logLines;
  }

  log(level: 'INFO' | 'WARNING' | 'ERROR', app: string, message: string): void {
    const stamp = new Date(this.clock).toISOString().replace('T', ' ').slice(0, 19);
    this.logLines.push(`${stamp} ${this.identity.hostname} ${app}: ${level}: ${message}`);
    if (this.logLines.length > this.logCapacity) this.logLines.splice(0, this.logLines.length - this.logCapacity);
  }

  /** Everything, for `GET /_sim/state`. */
  snapshot(): Record<string, unknown> {
    return {
      now: this.clock,
      seed: this.seed,
      identity: this.identity,
      inputs: this.inputs,
      outputs: { sdi: this.sdiOutputs, ip: this.ipOutputs, ndi: this.ndiOutputs },
    };
  }

  private step(): void {
    for (const input of this.inputs) this.stepInput(input);
    for (const kind of ['sdi', 'ip', 'ndi'] as const) {
      for (const output of this.outputsOf(kind)) this.stepOutput(output);
    }
  }

  private stepInput(input: InputState): void {
    const r = this.random;
    if (input.kind !== 'fieldUnit') {
      if (r.chance(ODDS.ipInputToggles)) {
        this.setConnected(input, !input.connected);
        input.live = input.connected;
      }
      return;
    }
    if (!input.connected) {
      if (r.chance(ODDS.fieldUnitConnects)) this.setConnected(input, true);
      return;
    }
    if (input.liveError) {
      if (r.chance(ODDS.liveErrorClears)) this.setLive(input, false);
      return;
    }
    if (input.live) {
      this.moveLinks(input);
      if (r.chance(ODDS.liveError)) this.setLiveError(input, LIVE_ERROR_LOW_BITRATE, `${input.videoFormat};${input.videoBitrate}`);
      else if (r.chance(ODDS.stopsLive)) this.setLive(input, false);
      return;
    }
    if (r.chance(ODDS.goesLive)) this.setLive(input, true);
    else if (r.chance(ODDS.fieldUnitDisconnects)) this.setConnected(input, false);
  }

  private stepOutput(output: OutputState): void {
    const r = this.random;
    if (output.fault?.until != null && output.fault.until <= this.clock) {
      this.log('INFO', 'player', `${output.name}: ${output.fault.token} cleared`);
      this.setOutputFault(output, null);
    }
    const source = this.inputs[output.sourceIndex];
    const running = output.enable && source?.live === true;
    if (!running) return;
    // Receivers of an IP or NDI output come and go now and then, not every second.
    if (output.kind !== 'sdi' && r.chance(ODDS.receiversChange)) {
      output.connections = Math.round(r.walk(output.connections, 1, 0, 8));
      this.outputsRevision++;
    }
    if (output.fault === null && r.chance(ODDS.outputFault)) {
      const warning = r.chance(0.4);
      const token = warning ? r.pick(OUTPUT_WARNING_TOKENS) : r.pick(OUTPUT_ERROR_TOKENS);
      this.setOutputFault(output, { token, status: warning ? 4 : 3, until: this.clock + r.int(5, 60) * STEP_MS });
      this.log(warning ? 'WARNING' : 'ERROR', 'player', `${output.name}: ${token}`);
    }
  }

  private moveLinks(input: InputState): void {
    const r = this.random;
    const warned = hasLossWarning(input);
    let lost = 0;
    for (const link of input.links) {
      link.rxBitrate = Math.round(r.walk(link.rxBitrate, 400, 300, 12000));
      link.txBitrate = Math.round(r.walk(link.txBitrate, 10, 20, 200));
      link.rtt = Math.round(r.walk(link.rtt, 8, 15, 400));
      // Loss settles around a quarter of a percent, with rare bursts that make the link a warning.
      const loss = r.chance(ODDS.lossBurst) ? r.int(3, 5) : link.lossPercent * 0.9 + r.next() * 0.05;
      link.lossPercent = Math.round(loss * 100) / 100;
      const lostNow = Math.round((link.rxBitrate / 8 / 1.316) * (link.lossPercent / 100));
      link.lostPackets += lostNow;
      lost += lostNow;
    }
    input.lostPackets += lost;
    // Link figures are answered only by linkStats, asked afresh each time; the inputs answer shows only the warning.
    if (hasLossWarning(input) !== warned) this.inputsRevision++;
  }

  private createInput(number: number): InputState {
    const r = this.random;
    const city = CITIES[(number - 1) % CITIES.length];
    const suffix = number > CITIES.length ? `-${Math.ceil(number / CITIES.length)}` : '';
    const kind = number % 8 === 0 ? 'ip' : number % 8 === 7 ? 'ndi' : 'fieldUnit';
    const unit = FIELD_UNIT_PRODUCTS[(number - 1) % FIELD_UNIT_PRODUCTS.length];
    const product = kind === 'ip' ? 'IP-INPUT' : kind === 'ndi' ? 'NDI' : unit.product;
    const base = {
      number,
      kind,
      identifier: kind === 'fieldUnit' ? `${unit.product}-${r.hex(6).toUpperCase()}` : `${product}-${number}`,
      product,
      familyName: kind === 'fieldUnit' ? unit.familyName : '',
      firmwareName: kind === 'fieldUnit' ? unit.firmwareName : '',
      version: kind === 'fieldUnit' ? unit.version : '',
      hardwareIdentifier: kind === 'fieldUnit' ? r.hex(16) : '',
      remoteControl: kind === 'fieldUnit' ? 1 : 0,
      videoFormat: r.pick(VIDEO_FORMATS),
      videoCodec: r.pick(VIDEO_CODECS),
      videoBitrate: r.int(4, 16) * 1000,
      latitude: city.latitude,
      longitude: city.longitude,
    } as const;
    return {
      ...base,
      name: `${product}-${city.name}${suffix}`,
      connected: false,
      live: false,
      recording: false,
      liveError: null,
      links: [],
      lostPackets: 0,
    };
  }

  private createLinks(): LinkState[] {
    const r = this.random;
    return LINK_INTERFACES.slice(0, r.int(1, LINK_INTERFACES.length)).map((itf) => ({
      itf: itf.itf,
      name: itf.name,
      rxBitrate: r.int(1500, 4000),
      txBitrate: r.int(40, 120),
      rtt: r.int(30, 120),
      lossPercent: Math.round(r.next() * 50) / 100,
      lostPackets: 0,
    }));
  }

  private createOutput(kind: OutputKind, index: number): OutputState {
    const r = this.random;
    const mode = kind === 'ip' ? IP_OUTPUT_MODES[(index - 1) % IP_OUTPUT_MODES.length] : '';
    return {
      kind,
      index,
      name: kind === 'sdi' ? `SDI ${index}` : kind === 'ndi' ? `NDI ${index}` : `${mode} Output ${index}`,
      enable: false,
      sourceIndex: -1,
      fault: null,
      lockstate: 0,
      standard: kind === 'sdi' ? r.pick(SDI_STANDARDS) : '',
      mode,
      encoderIndex: kind === 'ip' ? (index - 1) % ENCODER_PROFILES.length : -1,
      connections: 0,
      serverMode: mode === 'SRT' && index % 2 === 1,
      destinations: kind === 'ip' ? [destinationUrl(mode, index)] : [],
      ndiSourceName: kind === 'ndi' ? `STREAMHUB (NDI ${index})` : '',
    };
  }

  /** Puts a field unit in the state `draw` (uniform in [0, 1)) falls on in its long-run shares. */
  private startFieldUnit(input: InputState, draw: number): void {
    const { disconnected, connected, live } = FIELD_UNIT_LONG_RUN;
    if (draw < disconnected) return;
    if (draw < disconnected + connected) this.setConnected(input, true);
    else if (draw < disconnected + connected + live) this.setLive(input, true);
    else {
      this.setConnected(input, true);
      this.setLiveError(input, LIVE_ERROR_LOW_BITRATE, `${input.videoFormat};${input.videoBitrate}`);
    }
  }

  /**
   * A lived-in start: each input in the state it would most likely be in after hours of the
   * life {@link step} gives it (field units by {@link FIELD_UNIT_LONG_RUN}, IP and NDI inputs
   * up half the time), except the first, live so that outputs have a source (and demos and
   * tests a live field unit); some outputs playing.
   * Starting anywhere else, the device drifts for the next quarter of an hour: a fresh start
   * with a quarter of the field units live went to 60 % within 20 minutes, and a simulator
   * farm's load (one link-statistics request per live field unit and poll) with it. With the
   * first input's sure start, 2,000 devices had 5.0 live inputs each at the start, 4.8 a
   * minute later and 4.6 from the fifth minute on.
   */
  private routeInitialStreams(): void {
    const r = this.random;
    for (const input of this.inputs) {
      if (input.number === 1) this.setLive(input, true);
      else if (input.kind === 'fieldUnit') this.startFieldUnit(input, r.next());
      else this.setLive(input, r.chance(0.5));
    }
    const live = this.inputs.filter((input) => input.live);
    for (const output of [...this.sdiOutputs, ...this.ipOutputs]) {
      if (output.index === 1 || r.chance(0.3)) this.play(output, r.pick(live).number);
    }
  }
}

/**
 * The shares of time a field unit spends in each state under {@link ODDS}, from the flows
 * between them balancing: as often into a state as out of it. From connected (not live) a
 * unit goes live first, else may disconnect; from live it may fail, else may stop; a failure
 * clears to connected.
 */
const FIELD_UNIT_LONG_RUN = ((): { disconnected: number; connected: number; live: number; liveError: number } => {
  const connectedToDisconnected = (1 - ODDS.goesLive) * ODDS.fieldUnitDisconnects;
  const liveToConnected = (1 - ODDS.liveError) * ODDS.stopsLive;
  const disconnected = 1;
  const connected = (disconnected * ODDS.fieldUnitConnects) / connectedToDisconnected;
  const live = (connected * ODDS.goesLive) / (ODDS.liveError + liveToConnected);
  const liveError = (live * ODDS.liveError) / ODDS.liveErrorClears;
  const total = disconnected + connected + live + liveError;
  return { disconnected: disconnected / total, connected: connected / total, live: live / total, liveError: liveError / total };
})();

function clampCount(value: unknown, min: number, max: number): number {
  const number = Math.floor(Number(value));
  if (!Number.isFinite(number)) throw new Error(`count "${String(value)}" is not a number`);
  return Math.min(max, Math.max(min, number));
}

function destinationUrl(mode: string, index: number): string {
  const host = `203.0.113.${10 + index}`;
  switch (mode) {
    case 'SRT': return `srt://${host}:${9000 + index}`;
    case 'RTMP': return `rtmp://${host}/live/stream${index}`;
    case 'RTSP': return `rtsp://${host}:554/out${index}`;
    case 'HLS': return `http://${host}/hls/out${index}.m3u8`;
    default: return `udp://239.1.1.${index}:5000`;
  }
}
