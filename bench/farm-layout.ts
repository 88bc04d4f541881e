/**
 * Where each simulated device of the farm lives and what it is. Every device has its own
 * loopback address (127.1.x.y) on the device's usual port, so Tally sees N distinct origins
 * (N keep-alive pools) exactly as in a real network, without using up ephemeral ports.
 */
import { readFileSync } from 'node:fs';

export const DEVICE_PORT = 8893;
export const FARM_API_KEY = 'bench-streamhub-key';
/** The StreamHub input the farm connects and disconnects (device-side changes); actions use the others. */
export const CHANGED_INPUT = 8;
/**
 * The most devices a farm process holds. Fewer, busier processes are cheaper per request: a
 * process woken for one request pays the whole wake-up for it (at 10,000 devices, 2
 * processes cost 151–158 µs a request where 4 cost 187–211 µs).
 */
const MOST_DEVICES_PER_SHARD = 5000;
/** Descriptors a farm process keeps beside its devices' (stdio, IPC, node's own). */
const RESERVED_DESCRIPTORS = 100;

/**
 * Devices per farm process: each costs a listening socket and an accepted one, so the
 * process's open-file limit (the soft one, from /proc/self/limits; children inherit it)
 * caps it below {@link MOST_DEVICES_PER_SHARD}.
 */
export function devicesPerShard(limits = readLimits()): number {
  const soft = /^Max open files\s+(\d+)/m.exec(limits)?.[1];
  if (soft === undefined) return MOST_DEVICES_PER_SHARD;
  return Math.max(1, Math.min(MOST_DEVICES_PER_SHARD, Math.floor((Number(soft) - RESERVED_DESCRIPTORS) / 2)));
}

function readLimits(): string {
  try {
    return readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return '';
  }
}

export type DeviceKind = 'haivision-manager' | 'amagi-cloudport';

export function deviceHost(index: number): string {
  return `127.${1 + Math.floor(index / 62_500)}.${Math.floor(index / 250) % 250}.${(index % 250) + 1}`;
}

/** Every `1 / cloudportShare`-th device is a CLOUDPORT service; the rest are StreamHubs. */
export function deviceKind(index: number, cloudportShare: number): DeviceKind {
  if (cloudportShare <= 0) return 'haivision-manager';
  const every = Math.max(1, Math.round(1 / cloudportShare));
  return index % every === every - 1 ? 'amagi-cloudport' : 'haivision-manager';
}

/** Epoch milliseconds with sub-millisecond resolution, comparable across processes. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
