/**
 * Faults a test or an operator can inject into a simulated device (`POST /_sim/faults`):
 * what a flaky network or a sick device does to the API. Body faults are applied here as
 * pure functions; transport faults (latency, hang, drop, slow drip) by the HTTP layer.
 */
import type { DeviceResponse } from './device-types.js';

export interface FaultPlan {
  /** Added before answering, ms. */
  latencyMs?: number;
  /** Never answer (the socket stays open until the client gives up). */
  hang?: boolean;
  /** Destroy the socket without answering. */
  drop?: boolean;
  /** Answer every device request with this status (e.g. 500, 401, 403, 503). */
  status?: number;
  /** Retry-After seconds sent with `status`. */
  retryAfter?: number;
  /** A body that is not JSON at all. */
  malformed?: boolean;
  /** JSON cut in the middle (with a matching Content-Length). */
  truncated?: boolean;
  /** Pad answers with whitespace up to this many bytes. */
  oversizedBytes?: number;
  /** Send the body a few bytes at a time, this many ms apart. */
  slowDripMs?: number;
}

const FIELDS: Record<keyof FaultPlan, 'number' | 'boolean'> = {
  latencyMs: 'number', hang: 'boolean', drop: 'boolean', status: 'number', retryAfter: 'number',
  malformed: 'boolean', truncated: 'boolean', oversizedBytes: 'number', slowDripMs: 'number',
};
const MAX_OVERSIZED_BYTES = 64 * 1024 * 1024;

/** Validates a fault plan from a request body; throws a message naming the bad field. */
export function parseFaultPlan(body: unknown): FaultPlan {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('expected a JSON object');
  const plan: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(body)) {
    const type = FIELDS[field as keyof FaultPlan];
    if (!type) throw new Error(`unknown fault "${field}"; known: ${Object.keys(FIELDS).join(', ')}`);
    if (typeof value !== type || (type === 'number' && !(Number.isFinite(value) && (value as number) >= 0))) {
      throw new Error(`fault "${field}" expects a ${type === 'number' ? 'non-negative number' : 'boolean'}`);
    }
    plan[field] = value;
  }
  if (plan.status !== undefined && !(Number.isInteger(plan.status) && (plan.status as number) >= 100 && (plan.status as number) <= 599)) {
    throw new Error('fault "status" expects an HTTP status');
  }
  if ((plan.oversizedBytes as number | undefined) !== undefined && (plan.oversizedBytes as number) > MAX_OVERSIZED_BYTES) {
    throw new Error(`fault "oversizedBytes" is limited to ${MAX_OVERSIZED_BYTES}`);
  }
  return plan as FaultPlan;
}

/** The answer a device gives under `plan`, from the answer it would have given. */
export function applyBodyFaults(plan: FaultPlan, response: DeviceResponse): DeviceResponse {
  let result = response;
  if (plan.status !== undefined) {
    result = {
      status: plan.status,
      contentType: 'application/json',
      body: JSON.stringify({ success: false, error: `simulated ${plan.status}` }),
      headers: plan.retryAfter !== undefined ? { 'Retry-After': String(plan.retryAfter) } : undefined,
    };
  }
  if (plan.malformed) result = { ...result, contentType: 'application/json', body: '<html><body>Internal error</body></html>' };
  if (plan.truncated) result = { ...result, body: result.body.slice(0, Math.max(1, Math.floor(result.body.length / 2))) };
  if (plan.oversizedBytes !== undefined) {
    const length = Buffer.byteLength(result.body);
    if (length < plan.oversizedBytes) result = { ...result, paddingBytes: plan.oversizedBytes - length };
  }
  return result;
}
