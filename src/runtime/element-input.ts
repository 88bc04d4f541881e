/**
 * Checks what an operator gives when creating or reconfiguring an element, field by field,
 * against the connector's definition. Every refusal names the field at fault.
 */
import type { ConnectorDefinition, ParamDef, Value } from '../sdk/index.js';
import type { OperatorState } from '../store/types.js';
import { TallyError } from '../errors.js';
import { isSettable } from './value-cache.js';
import { coerceValue } from './value-rules.js';

const OPERATOR_STATES: readonly OperatorState[] = ['active', 'paused', 'stopped'];
const MIN_POLL_INTERVAL = 100;
const MAX_POLL_INTERVAL = 86_400_000;

/** Given parameters sorted by where they are kept. */
export interface CheckedParams {
  /** Non-secret configuration: kept in the element record. */
  config: Record<string, Value>;
  /** Secret values in plain text (null clears), to be sealed. */
  secrets: Record<string, string | null>;
  /** Writable, non-configuration values: kept as parameter values. */
  values: Record<string, Value>;
}

export function checkObject(input: unknown, field: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TallyError('VALIDATION', `${field} must be an object`, field);
  }
  for (const name of Object.keys(input)) {
    if (!allowed.includes(name)) throw new TallyError('VALIDATION', `unknown field "${name}"`, name);
  }
  return input as Record<string, unknown>;
}

export function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '' || name.length > 200) {
    throw new TallyError('VALIDATION', 'name must be 1 to 200 characters', 'name');
  }
  return name.trim();
}

export function checkOperatorState(state: unknown, field: string): OperatorState {
  if (!OPERATOR_STATES.includes(state as OperatorState)) {
    throw new TallyError('VALIDATION', `state must be one of ${OPERATOR_STATES.join(', ')}`, field);
  }
  return state as OperatorState;
}

export function findParam(definition: ConnectorDefinition, paramId: string): ParamDef | undefined {
  return definition.params.find((param) => param.id === paramId);
}

export function checkParams(definition: ConnectorDefinition, params: unknown): CheckedParams {
  const given = checkMap(params, 'params');
  const checked: CheckedParams = { config: {}, secrets: {}, values: {} };
  for (const [id, raw] of Object.entries(given)) {
    const field = `params.${id}`;
    const def = findParam(definition, id);
    if (!def) throw new TallyError('VALIDATION', `unknown parameter "${id}"`, field);
    if (!isSettable(def)) {
      throw new TallyError('REFUSED', `parameter ${def.name} is read-only`, field);
    }
    if (def.secret) checked.secrets[id] = checkSecret(def, raw, field);
    else if (def.config) checked.config[id] = coerceValue(def, raw, field);
    else checked.values[id] = coerceValue(def, raw, field);
  }
  return checked;
}

/** A secret is a string; null or '' clears it. */
export function checkSecret(def: ParamDef, raw: unknown, field: string): string | null {
  if (raw === null || raw === undefined || raw === '') return null;
  if (typeof raw !== 'string') throw new TallyError('VALIDATION', `${def.name} must be a string`, field);
  return raw;
}

/** Interval overrides in ms per poll group; null removes an override. */
export function checkPollIntervals(
  definition: ConnectorDefinition,
  intervals: unknown,
  current: Record<string, number> = {},
): Record<string, number> {
  const given = checkMap(intervals, 'pollIntervals');
  const next = { ...current };
  for (const [id, value] of Object.entries(given)) {
    const field = `pollIntervals.${id}`;
    if (!definition.polls.some((group) => group.id === id)) throw new TallyError('VALIDATION', `unknown poll group "${id}"`, field);
    if (value === null) {
      delete next[id];
      continue;
    }
    if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_POLL_INTERVAL || value > MAX_POLL_INTERVAL) {
      throw new TallyError('VALIDATION', `interval must be a whole number of ms from ${MIN_POLL_INTERVAL} to ${MAX_POLL_INTERVAL}`, field);
    }
    next[id] = value;
  }
  return next;
}

function checkMap(input: unknown, field: string): Record<string, unknown> {
  if (input === undefined) return {};
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TallyError('VALIDATION', `${field} must be an object`, field);
  }
  return input as Record<string, unknown>;
}
