/** bench/run.ts's handle on the farm processes: starts them and asks them over IPC. */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setPriority } from 'node:os';
import { forkScript } from './child-script.js';
import { devicesPerShard } from './farm-layout.js';
import type { FarmDevices, FarmReply, FarmReport, FarmRequest, RequestMix } from './farm-protocol.js';

type Unsolicited = Extract<FarmReply, { type: 'command' | 'seen' }>;

class FarmShard {
  private waiting: ((reply: FarmReply) => void)[] = [];

  constructor(
    readonly child: ChildProcess,
    onEvent: (event: Unsolicited) => void,
  ) {
    child.on('message', (reply: FarmReply) => {
      if (reply.type === 'command' || reply.type === 'seen') return onEvent(reply);
      const next = this.waiting.shift();
      if (next) next(reply);
      else if (reply.type === 'error') process.stderr.write(`farm: ${reply.message}\n`);
    });
  }

  /** Replies come in request order, so a FIFO of waiters pairs them up. */
  ask<T extends FarmReply['type']>(request: FarmRequest): Promise<Extract<FarmReply, { type: T }>> {
    return new Promise((resolve, reject) => {
      this.waiting.push((reply) => {
        // A change may be refused (the device has no such input); anything else failing is a bench bug.
        if (reply.type === 'error' && request.type !== 'change') reject(new Error(`farm: ${reply.message}`));
        else resolve(reply as Extract<FarmReply, { type: T }>);
      });
      this.child.send(request);
    });
  }
}

/** The nice value the farm runs at unless `--farm-nice` says otherwise (bench/README.md, round 17). */
export const DEFAULT_FARM_NICE = 5;

/** `--farm-nice`: a whole number from 0 (as Tally) to 19 (only what Tally leaves). */
export function parseNice(text: string | undefined): number {
  const nice = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isInteger(nice) || nice < 0 || nice > 19) {
    throw new Error(`--farm-nice must be a whole number from 0 to 19, not "${text}"`);
  }
  return nice;
}

export interface FarmProcessOptions {
  /** Node options of the farm processes (e.g. --cpu-prof). */
  nodeFlags: string[];
  /**
   * The farm's nice value (0–19). Simulated devices share this machine's two cores with
   * Tally, where real ones run on hardware of their own; at a higher nice value a device
   * woken by a request waits for a free core instead of taking Tally's, as it would on a
   * network. The floor's replay runs against the same farm, so both sides are measured alike.
   */
  nice: number;
}

export class Farm {
  private constructor(
    private readonly shards: FarmShard[],
    readonly first: number[],
    private readonly perShard: number,
  ) {}

  static async start(
    devices: number,
    deviceSettings: FarmDevices,
    processes: FarmProcessOptions,
    onEvent: (event: Unsolicited) => void,
  ): Promise<Farm> {
    const { nodeFlags, nice } = processes;
    const perShard = devicesPerShard();
    const shards: FarmShard[] = [];
    const first: number[] = [];
    for (let start = 0; start < devices; start += perShard) {
      const child = forkScript('bench/sim-farm', [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], nodeFlags });
      // The process's main thread (its id is the process's), where the devices answer.
      if (nice !== 0 && child.pid !== undefined) setPriority(child.pid, nice);
      shards.push(new FarmShard(child, onEvent));
      first.push(start);
    }
    const farm = new Farm(shards, first, perShard);
    await Promise.all(
      shards.map((shard, i) =>
        shard.ask<'ready'>({ type: 'start', first: first[i], count: Math.min(perShard, devices - first[i]), devices: deviceSettings }),
      ),
    );
    return farm;
  }

  get pids(): number[] {
    return this.shards.map((shard) => shard.child.pid as number);
  }

  async record(on: boolean): Promise<void> {
    await Promise.all(this.shards.map((shard) => shard.ask({ type: 'record', on })));
  }

  async requests(): Promise<number> {
    return (await this.counters()).requests;
  }

  /** The StreamHubs' periodic (probe) requests answered since start. */
  async probes(): Promise<number> {
    return (await this.counters()).probes;
  }

  private async counters(): Promise<{ requests: number; probes: number }> {
    const counters = await Promise.all(this.shards.map((shard) => shard.ask<'counters'>({ type: 'counters' })));
    return {
      requests: counters.reduce((sum, counter) => sum + counter.requests, 0),
      probes: counters.reduce((sum, counter) => sum + counter.probes, 0),
    };
  }

  change(index: number): Promise<Extract<FarmReply, { type: 'changed' | 'error' }>> {
    return this.shardOf(index).ask<'changed'>({ type: 'change', index });
  }

  async report(from: number, to: number, intervalMs: number): Promise<FarmReport> {
    const reports = await Promise.all(this.shards.map((shard) => shard.ask<'report'>({ type: 'report', from, to, intervalMs })));
    return {
      lateness: reports.flatMap((report) => report.lateness),
      missed: reports.reduce((sum, report) => sum + report.missed, 0),
      polls: reports.reduce((sum, report) => sum + report.polls, 0),
      pollsByInterval: reports[0].pollsByInterval.map((_, slice) => reports.reduce((sum, report) => sum + report.pollsByInterval[slice], 0)),
      mix: reports.flatMap((report) => report.mix),
      // The worst process: a device answers late when the process holding it stalls.
      loopLagP99Ms: Math.max(...reports.map((report) => report.loopLagP99Ms)),
      loopLagMaxMs: Math.max(...reports.map((report) => report.loopLagMaxMs)),
    };
  }

  /** Per StreamHub, what a poller that keeps up asks in one cycle. */
  async plan(): Promise<RequestMix[]> {
    const plans = await Promise.all(this.shards.map((shard) => shard.ask<'plan'>({ type: 'plan' })));
    return plans.flatMap((plan) => plan.devices);
  }

  /** Stops the devices and waits for the processes to exit (a `--farm-cpu-prof` profile is written on exit). */
  async stop(): Promise<void> {
    await Promise.all(this.shards.map((shard) => shard.ask({ type: 'stop' })));
    const exited = this.shards.map((shard) => (shard.child.exitCode === null ? once(shard.child, 'exit') : undefined));
    for (const shard of this.shards) shard.child.disconnect();
    await Promise.all(exited);
  }

  private shardOf(index: number): FarmShard {
    return this.shards[Math.floor(index / this.perShard)];
  }
}
