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

export function sampleUsage(pid: number): UsageSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
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

/** CPU between two samples as a percentage of one core (100 = one core busy). */
export function cpuPercent(from: UsageSample, to: UsageSample): number {
  const seconds = (to.at - from.at) / 1000;
  return seconds > 0 ? ((to.cpuSeconds - from.cpuSeconds) / seconds) * 100 : 0;
}

/** Storage bytes written per second between two samples, or null. */
export function writeRate(from: UsageSample, to: UsageSample): number | null {
  if (from.writeBytes === null || to.writeBytes === null || !Number.isFinite(from.writeBytes)) return null;
  const seconds = (to.at - from.at) / 1000;
  return seconds > 0 ? (to.writeBytes - from.writeBytes) / seconds : null;
}
