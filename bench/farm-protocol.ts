/** The IPC messages between bench/run.ts and the farm processes (bench/sim-farm.ts). */

/** What the farm's devices are: the share of CLOUDPORT services, the models' seed, and how late each answers. */
export interface FarmDevices {
  cloudportShare: number;
  seed: number;
  /** Added to every answer, as a device far away over a WAN would take (0: loopback's own). */
  latencyMs: number;
}

export type FarmRequest =
  | { type: 'start'; first: number; count: number; devices: FarmDevices }
  | { type: 'record'; on: boolean }
  | { type: 'counters' }
  | { type: 'change'; index: number }
  | { type: 'report'; from: number; to: number; intervalMs: number }
  /** What a poller that keeps up asks each StreamHub per cycle, from the devices' state now. */
  | { type: 'plan' }
  | { type: 'stop' };

/** How often one device was asked for each URL while recording (per cycle, in a plan). */
export interface RequestMix {
  index: number;
  paths: { url: string; count: number; authorization?: string }[];
}

/** What the farm measured over a recorded window: of one process, or of the whole farm (farm-client.ts). */
export interface FarmReport {
  lateness: number[];
  missed: number;
  polls: number;
  /** Probe requests received in each interval of the window, all devices together: N a slice while Tally keeps up. */
  pollsByInterval: number[];
  mix: RequestMix[];
  /** The event-loop lag over the window (ms); of the farm, its worst process's. */
  loopLagP99Ms: number;
  loopLagMaxMs: number;
}

export type FarmReply =
  | { type: 'ready'; count: number }
  | { type: 'recording'; on: boolean }
  | { type: 'counters'; requests: number; probes: number }
  | { type: 'changed'; index: number; inputKey: string; connected: boolean; at: number }
  | ({ type: 'report' } & FarmReport)
  | { type: 'plan'; devices: RequestMix[] }
  | { type: 'stopped' }
  /** Unsolicited: an operator command reached device `index`. */
  | { type: 'command'; index: number; at: number }
  /** Unsolicited: the first poll after a change to device `index` was answered. */
  | { type: 'seen'; index: number; at: number }
  | { type: 'error'; message: string };
