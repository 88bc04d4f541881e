/**
 * Which errors mean "the device is not answering properly" (they drive retries, `timeout`
 * and stale values) as opposed to a configuration problem or a connector bug.
 */
import { ConfigError, DeviceHttpError, DeviceProtocolError } from '../sdk/index.js';

/** The device could not be reached or did not answer in time (network error, timeout). */
export class DeviceUnreachableError extends Error {
  override readonly name = 'DeviceUnreachableError';
  constructor(
    message: string,
    /** No answer in time, as opposed to a refused or broken connection. */
    readonly timedOut = false,
  ) {
    super(message);
  }
}

/** A handler did not settle within its time and was abandoned. */
export class HandlerTimeoutError extends Error {
  override readonly name = 'HandlerTimeoutError';
}

export type FailureKind = 'device' | 'config' | 'connector';

export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof ConfigError) return 'config';
  if (
    error instanceof DeviceUnreachableError ||
    error instanceof HandlerTimeoutError ||
    error instanceof DeviceHttpError ||
    error instanceof DeviceProtocolError
  ) {
    return 'device';
  }
  return 'connector';
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
