/**
 * Where each simulated device of the farm lives and what it is. Every device has its own
 * loopback address (127.1.x.y) on the device's usual port, so Tally sees N distinct origins
 * (N keep-alive pools) exactly as in a real network, without using up ephemeral ports.
 */
export const DEVICE_PORT = 8893;
export const FARM_API_KEY = 'bench-streamhub-key';
/** The StreamHub input the farm connects and disconnects (device-side changes); actions use the others. */
export const CHANGED_INPUT = 8;
/**
 * Devices per farm process: each costs a listening socket and an accepted one, so 5,000 use
 * half of the 20,000 descriptors this machine allows a process. Fewer, busier processes are
 * cheaper per request: a process woken for one request pays the whole wake-up for it (at
 * 10,000 devices, 2 processes cost 157 µs a request where 4 cost 187–211 µs).
 */
export const DEVICES_PER_SHARD = 5000;

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
