/** bench/run.ts's handle on the farm processes: starts them and asks them over IPC. */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { forkScript } from './child-script.js';
import { devicesPerShard } from './farm-layout.js';
import type { FarmReply, FarmRequest, RequestMix } from './farm-protocol.js';

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

export interface FarmReport {
  lateness: number[];
  missed: number;
  polls: number;
  /** Probe requests received in each interval of the window, all devices together: N a slice while Tally keeps up. */
  pollsByInterval: number[];
  mix: RequestMix[];
}

export class Farm {
  private constructor(
    private readonly shards: FarmShard[],
    readonly first: number[],
    private readonly perShard: number,
  ) {}

  static async start(
    devices: number,
    cloudportShare: number,
    seed: number,
    nodeFlags: string[],
    onEvent: (event: Unsolicited) => void,
  ): Promise<Farm> {
    const perShard = devicesPerShard();
    const shards: FarmShard[] = [];
    const first: number[] = [];
    for (let start = 0; start < devices; start += perShard) {
      shards.push(new FarmShard(forkScript('bench/sim-farm', [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], nodeFlags }), onEvent));
      first.push(start);
    }
    const farm = new Farm(shards, first, perShard);
    await Promise.all(
      shards.map((shard, i) =>
        shard.ask<'ready'>({ type: 'start', first: first[i], count: Math.min(perShard, devices - first[i]), cloudportShare, seed }),
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
    const counters = await Promise.all(this.shards.map((shard) => shard.ask<'counters'>({ type: 'counters' })));
    return counters.reduce((sum, counter) => sum + counter.requests, 0);
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
