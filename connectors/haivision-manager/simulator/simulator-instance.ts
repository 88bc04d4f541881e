/**
 * One simulated device as a server sees it: the model, its injected faults, and the
 * `/_sim/` control API (never part of the device API; no api_key). Independent of
 * node:http, like the model.
 */
import { DeviceModel } from './device-model.js';
import type { DeviceResponse, OutputKind } from './device-types.js';
import { type FaultPlan, parseFaultPlan } from './faults.js';

export const CONTROL_PREFIX = '/_sim/';
const OUTPUT_KINDS: readonly OutputKind[] = ['sdi', 'ip', 'ndi'];

const reply = (status: number, body: unknown): DeviceResponse => ({ status, contentType: 'application/json', body: JSON.stringify(body) });
const refuse = (status: number, message: string): DeviceResponse => reply(status, { error: message });

export class SimulatorInstance {
  faults: FaultPlan = {};

  constructor(
    readonly device: DeviceModel,
    /** Real time moves the device on at each request; otherwise only `/_sim/advance` does. */
    readonly realTime: boolean,
  ) {}

  /** Answers a `/_sim/…` request. */
  control(method: string, path: string, body: unknown): DeviceResponse {
    const [resource, id, sub] = path.slice(CONTROL_PREFIX.length).split('/').filter(Boolean);
    const route = `${method} ${resource ?? ''}`;
    try {
      switch (route) {
        case 'GET state':
          if (this.realTime) this.device.advance(Date.now());
          return reply(200, { ...this.device.snapshot(), faults: this.faults, realTime: this.realTime });
        case 'POST faults':
          this.faults = parseFaultPlan(body);
          return reply(200, { faults: this.faults });
        case 'DELETE faults':
          this.faults = {};
          return reply(200, { faults: this.faults });
        case 'POST advance':
          return this.advance(body);
        case 'POST inputs':
          return this.changeInput(Number(id), body);
        case 'POST outputs':
          return this.changeOutput(id, Number(sub), body);
        default:
          return refuse(404, `no control route ${method} ${path}`);
      }
    } catch (error) {
      return refuse(400, (error as Error).message);
    }
  }

  private advance(body: unknown): DeviceResponse {
    const ms = (body as { ms?: unknown } | null)?.ms;
    if (typeof ms !== 'number' || !(ms >= 0)) return refuse(400, 'expected {"ms": <non-negative number>}');
    this.device.advance(this.device.now + ms);
    return reply(200, { now: this.device.now });
  }

  /** `{connected?, live?, liveError?: {code, param} | null}` */
  private changeInput(number: number, body: unknown): DeviceResponse {
    const input = this.device.input(number);
    if (!input) return refuse(404, `no input ${number}`);
    const change = (body ?? {}) as { connected?: unknown; live?: unknown; liveError?: unknown };
    for (const field of ['connected', 'live'] as const) {
      if (change[field] !== undefined && typeof change[field] !== 'boolean') return refuse(400, `"${field}" expects a boolean`);
    }
    if (change.connected !== undefined) this.device.setConnected(input, change.connected as boolean);
    if (change.live !== undefined) this.device.setLive(input, change.live as boolean);
    if (change.liveError) {
      const { code, param } = change.liveError as { code?: unknown; param?: unknown };
      this.device.setLiveError(input, Number(code ?? -28), String(param ?? ''));
    }
    return reply(200, input);
  }

  /** `{fault: {token, status?: 3|4} | null, enable?: false}` */
  private changeOutput(kind: string | undefined, index: number, body: unknown): DeviceResponse {
    const output = OUTPUT_KINDS.includes(kind as OutputKind) ? this.device.output(kind as OutputKind, index) : undefined;
    if (!output) return refuse(404, `no output ${kind}/${index}`);
    const change = (body ?? {}) as { fault?: { token?: unknown; status?: unknown } | null; enable?: unknown };
    if (change.fault === null) this.device.setOutputFault(output, null);
    else if (change.fault) {
      this.device.setOutputFault(output, { token: String(change.fault.token ?? 'UNKNOWN'), status: change.fault.status === 4 ? 4 : 3, until: null });
    }
    if (change.enable === false && output.enable) this.device.stop(output);
    return reply(200, output);
  }
}
