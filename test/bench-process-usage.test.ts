import { describe, expect, it } from 'vitest';
import { cpuMicrosPerRequest, cpuPercent, machineBusyPercent, sampleMachine, sampleMainThread, sampleUsage } from '../bench/process-usage.js';

/** /proc/stat as Linux writes it (a 2-core machine), with `ticks` added to the busy and idle fields given. */
function procStat(busy: { user?: number; system?: number; softirq?: number; steal?: number }, idle: number, iowait = 0): string {
  const { user = 0, system = 0, softirq = 0, steal = 0 } = busy;
  return [
    `cpu  ${1000 + user} 20 ${500 + system} ${9000 + idle} ${40 + iowait} 0 ${30 + softirq} ${steal} 0 0`,
    'cpu0 500 10 250 4500 20 0 15 0 0 0',
    'cpu1 500 10 250 4500 20 0 15 0 0 0',
    'intr 123 0 0',
    'ctxt 456',
  ].join('\n');
}

/** Spins on this thread until its own CPU time, as read from /proc, has grown by `seconds` (at most 10 s of wall time). */
function spinFor(seconds: number): number {
  const start = sampleMainThread(process.pid).cpuSeconds;
  const until = performance.now() + 10_000;
  let spent = 0;
  while (spent < seconds && performance.now() < until) {
    for (let i = 0; i < 1e5; i++) spent += 0;
    spent = sampleMainThread(process.pid).cpuSeconds - start;
  }
  return spent;
}

describe('CPU a request', () => {
  it('turns a share of one core and a request rate into microseconds a request', () => {
    // 80 % of a core for 6,000 requests a second: 0.8 s of CPU a second over 6,000.
    expect(cpuMicrosPerRequest(80, 6000)).toBe(133);
    expect(cpuMicrosPerRequest(36.4, 5616)).toBe(65);
    expect(cpuMicrosPerRequest(50, 0)).toBeNull();
  });
});

describe('what the machine and a process spent, from /proc', () => {
  it('counts as busy everything but idle and waiting for storage, in percent of one core', () => {
    const from = sampleMachine(procStat({}, 0));
    expect(from.cores).toBe(2);
    // 150 busy ticks (user, kernel, interrupts, the hypervisor's) against 50 idle or waiting ones: 3/4 of two cores.
    const to = sampleMachine(procStat({ user: 100, system: 20, softirq: 20, steal: 10 }, 30, 20));
    expect(machineBusyPercent(from, to)).toBeCloseTo(150);
    expect(machineBusyPercent(from, sampleMachine(procStat({}, 200)))).toBe(0);
    expect(machineBusyPercent(from, from)).toBe(0);
    expect(() => sampleMachine('intr 1\n')).toThrow(/no cpu line/);
  });

  it('reads this machine and this process, the event loop apart from the other threads', () => {
    const machine = sampleMachine();
    expect(machine.cores).toBeGreaterThan(0);
    expect(machine.totalSeconds).toBeGreaterThanOrEqual(machine.busySeconds);
    const process0 = sampleUsage(process.pid);
    const loop0 = sampleMainThread(process.pid);
    // Work on this thread shows in its own time (read from the right fields, it keeps growing),
    // and the process's time holds the main thread's (the clock ticks are 10 ms).
    expect(spinFor(0.2)).toBeGreaterThanOrEqual(0.2);
    const loop1 = sampleMainThread(process.pid);
    const process1 = sampleUsage(process.pid);
    expect(process1.cpuSeconds - process0.cpuSeconds).toBeGreaterThanOrEqual(loop1.cpuSeconds - loop0.cpuSeconds - 0.02);
    expect(cpuPercent(loop0, loop1)).toBeGreaterThan(0);
  });
});
