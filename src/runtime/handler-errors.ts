/**
 * What an operator is told when a connector's set or action handler fails: a coded
 * TallyError whose status says whose fault it is.
 */
import { ActionRefusedError, ConfigError } from '../sdk/index.js';
import { TallyError } from '../errors.js';
import { classifyFailure, errorMessage, HandlerTimeoutError } from './device-failure.js';

const REFUSAL_CODES = { 404: 'NOT_FOUND', 409: 'CONFLICT', 422: 'REFUSED' } as const;

export function toTallyError(error: unknown): TallyError {
  if (error instanceof TallyError) return error;
  if (error instanceof ActionRefusedError) return new TallyError(REFUSAL_CODES[error.status] ?? 'REFUSED', error.message, error.field);
  if (error instanceof HandlerTimeoutError) return new TallyError('ACTION_TIMEOUT', error.message);
  if (error instanceof ConfigError) return new TallyError('REFUSED', `the element cannot run: ${error.message}`);
  if (classifyFailure(error) === 'device') return new TallyError('DEVICE_ERROR', `the device failed: ${errorMessage(error)}`);
  return new TallyError('INTERNAL', `connector failed: ${errorMessage(error)}`);
}
