/**
 * CPU time, resident memory and bytes written of another process, read from /proc: the
 * same figures `top` and `iotop` show, without asking the measured process for anything.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

export interface UsageSample {
  at: number;
  /** User + system CPU seconds so far. */
  cpuSeconds: number;
  rssBytes: number;
  /** Bytes the process caused to be written to storage so far (null where not readable). */
  writeBytes: number | null;
}

/** User + system CPU seconds of a process or thread, from its `stat` file's text. */
export function statCpuSeconds(stat: string): number {
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

export function sampleUsage(pid: number): UsageSample {
  const cpuSeconds = statCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  let writeBytes: number | null = null;
  try {
    writeBytes = Number(/write_bytes:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? NaN);
  } catch {
    writeBytes = null;
  }
  return { at: Date.now(), cpuSeconds, rssBytes: rssKb * 1024, writeBytes };
}

/**
 * The CPU of a process's main thread alone, as a sample with nothing else: for Node, the
 * event loop (and the JavaScript on it), without its worker and garbage-collector threads.
 */
export function sampleMainThread(pid: number): UsageSample {
  return { at: Date.now(), cpuSeconds: statCpuSeconds(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8')), rssBytes: 0, writeBytes: null };
}

/** The whole machine's CPU time so far, in seconds summed over its cores. */
export interface MachineSample {
  busySeconds: number;
  /** Busy and idle together. */
  totalSeconds: number;
  cores: number;
}

/**
 * From /proc/stat's text: everything the cores did but idle and wait for storage, whoever
 * for (processes, the kernel's own threads, interrupts, time taken by the hypervisor).
 */
export function sampleMachine(stat = readFileSync('/proc/stat', 'utf8')): MachineSample {
  const lines = stat.split('\n');
  const all = lines.find((line) => line.startsWith('cpu '));
  if (!all) throw new Error('/proc/stat has no cpu line');
  // user nice system idle iowait irq softirq steal (guest time is counted in user already)
  const [user, nice, system, idle, iowait, irq, softirq, steal] = all.trim().split(/\s+/).slice(1, 9).map((field) => Number(field) || 0);
  const busy = user + nice + system + irq + softirq + steal;
  return {
    busySeconds: busy / TICKS_PER_SECOND,
    totalSeconds: (busy + idle + iowait) / TICKS_PER_SECOND,
    cores: lines.filter((line) => /^cpu\d/.test(line)).length,
  };
}

/** The machine's busy time between two samples, in percent of one core (200 = two cores busy). */
export function machineBusyPercent(from: MachineSample, to: MachineSample): number {
  const total = to.totalSeconds - from.totalSeconds;
  return total > 0 ? ((to.busySeconds - from.busySeconds) / total) * to.cores * 100 : 0;
}

/** CPU between two samples as a percentage of one core (100 = one core busy). */
export function cpuPercent(from: UsageSample, to: UsageSample): number {
  const seconds = (to.at - from.at) / 1000;
  return seconds > 0 ? ((to.cpuSeconds - from.cpuSeconds) / seconds) * 100 : 0;
}

/**
 * CPU time a request, µs, from a CPU percentage (of one core) and a request rate; null when
 * there were no requests. The figure to compare across runs of one machine whose speed
 * varies: Tally's against the floor's, replayed on the same machine moments later.
 */
export function cpuMicrosPerRequest(cpuPercentOfCore: number, requestsPerSecond: number): number | null {
  return requestsPerSecond > 0 ? Math.round((cpuPercentOfCore / 100) * (1_000_000 / requestsPerSecond)) : null;
}

/** Storage bytes written per second between two samples, or null. */
export function writeRate(from: UsageSample, to: UsageSample): number | null {
  if (from.writeBytes === null || to.writeBytes === null || !Number.isFinite(from.writeBytes)) return null;
  const seconds = (to.at - from.at) / 1000;
  return seconds > 0 ? (to.writeBytes - from.writeBytes) / seconds : null;
}
