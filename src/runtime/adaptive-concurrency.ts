/**
 * Polls at once, adapted to how long polls hold their slots.
 *
 * A slot is held for a poll's whole exchange, so a limit of N slots allows at most N polls
 * per round trip. With a fixed limit, a round trip that grows (devices far away, or answers
 * waiting in a busy event loop) leaves polls behind, and being behind keeps the round trips
 * long: measured at 10,000 elements (bench/README.md, round 20), an 8 s stall left a Tally
 * with 64 slots polling 8,800 StreamHubs an interval instead of 9,500 for as long as it ran,
 * while 256 slots caught up within three intervals. Slots that are not needed cost operators
 * latency, though: every poll in flight reads and writes in the same turns as their actions.
 *
 * So the limit rises by half while polls wait long for a slot, or miss rounds waiting for
 * one, and both the event loop and the machine have room; it falls back by a fifth, never
 * below the configured one, once polls no longer wait and half the slots stand idle. When
 * the event loop or the machine's CPU is the bottleneck, more slots would only queue work
 * inside it and delay operators behind it, so the limit stays: an hour at 10,000 with the
 * event loop alone as the check (the bench's farm sharing the cores) saw the limit climb to
 * its ceiling of 1,024 whenever the machine was full, and the action p99 reach 770 ms.
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { ConcurrencyLimiter } from './concurrency-limiter.js';

export const ADJUST_EVERY_MS = 1_000;
/** A poll that waited this long for a slot is behind, even before it misses a round. */
const BEHIND_WAIT_MS = 1_000;
/** Polls that wait no longer than this keep up. */
const KEEPING_UP_WAIT_MS = 250;
/** Above this share of its time busy, the event loop is what limits polling. */
const BUSY_EVENT_LOOP = 0.9;
/** Below this share of the machine's CPU idle, the machine is what limits polling. */
const MIN_MACHINE_IDLE = 0.1;
const RISE = 1.5;
const FALL = 0.8;
/** How far the limit may rise above the configured one. */
export const MAX_RISE_FACTOR = 16;
/**
 * The highest limit there is, configured or risen to: past a few thousand the limit no longer
 * spreads a burst of polls due together, which is what it is for.
 */
export const MAX_POLL_CONCURRENCY = 2048;

/** What the limiter and the event loop looked like over the last period. */
export interface ConcurrencyReading {
  /** How long the user waiting longest for a slot has waited (ms). */
  oldestWaitMs: number;
  /** Rounds of polls lost while their element waited for a slot. */
  missedRounds: number;
  /** Slots in use on average. */
  averageInUse: number;
  /** Share of the time the event loop was busy (0..1). */
  eventLoopUtilization: number;
  /** Share of the machine's CPU time left idle, all cores together (0..1). */
  machineIdle: number;
}

export interface LimitBounds {
  /** The configured limit: the floor, and where the limit rests while polls keep up. */
  base: number;
  max: number;
}

/** The highest limit a configured one may rise to. */
export function ceilingFor(base: number): number {
  return Math.max(base, Math.min(MAX_POLL_CONCURRENCY, base * MAX_RISE_FACTOR));
}

/** The limit for the next period. */
export function nextLimit(limit: number, reading: ConcurrencyReading, bounds: LimitBounds): number {
  const behind = reading.oldestWaitMs >= BEHIND_WAIT_MS || reading.missedRounds > 0;
  if (behind && reading.eventLoopUtilization < BUSY_EVENT_LOOP && reading.machineIdle >= MIN_MACHINE_IDLE) {
    return Math.min(bounds.max, Math.ceil(limit * RISE));
  }
  if (!behind && reading.oldestWaitMs <= KEEPING_UP_WAIT_MS && reading.averageInUse < limit / 2) {
    return Math.max(bounds.base, Math.floor(limit * FALL));
  }
  return limit;
}

export interface LimitChange {
  from: number;
  to: number;
  reading: ConcurrencyReading;
}

/** A reader of the event loop's busy share (0..1) since its previous call. */
function eventLoopBusyShare(): () => number {
  let last = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const share = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    return share;
  };
}

/** A reader of the machine's idle share of CPU time (0..1) since its previous call. */
function machineIdleShare(): () => number {
  let last = cpuTimes();
  return () => {
    const now = cpuTimes();
    const total = now.total - last.total;
    const share = total > 0 ? (now.idle - last.idle) / total : 1;
    last = now;
    return share;
  };
}

function cpuTimes(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const { times } of cpus()) {
    idle += times.idle;
    total += times.user + times.nice + times.sys + times.idle + times.irq;
  }
  return { idle, total };
}

/** Where the shares a reading needs come from: the process and the OS, or a test. */
export interface ShareReaders {
  /** The event loop's busy share since the previous call (0..1). */
  eventLoopBusy: () => number;
  /** The machine's idle share of CPU since the previous call (0..1). */
  machineIdle: () => number;
}

export class AdaptiveConcurrency {
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly eventLoopBusy: () => number;
  private readonly machineIdle: () => number;

  constructor(
    private readonly limiter: ConcurrencyLimiter,
    private readonly bounds: LimitBounds,
    private readonly onChange: (change: LimitChange) => void,
    readers: Partial<ShareReaders> = {},
  ) {
    this.eventLoopBusy = readers.eventLoopBusy ?? eventLoopBusyShare();
    this.machineIdle = readers.machineIdle ?? machineIdleShare();
  }

  start(): void {
    this.timer ??= setInterval(() => this.adjust(), ADJUST_EVERY_MS).unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Reads the last period and moves the limit if it must. */
  adjust(): void {
    const reading: ConcurrencyReading = {
      oldestWaitMs: this.limiter.oldestWaitMs(),
      missedRounds: this.limiter.takeMissedRounds(),
      averageInUse: this.limiter.takeAverageInUse(),
      eventLoopUtilization: this.eventLoopBusy(),
      machineIdle: this.machineIdle(),
    };
    const from = this.limiter.limit;
    const to = nextLimit(from, reading, this.bounds);
    if (to === from) return;
    this.limiter.setLimit(to);
    this.onChange({ from, to, reading });
  }
}
