/**
 * How values are checked when an operator gives them (parameter sets, element forms,
 * action inputs) and how they read on screen.
 */
import type { ColumnDef, Discrete, Value } from '../sdk/index.js';
import { TallyError } from '../errors.js';

/** The part of a parameter, column or action input that decides what a value may be. */
export type ValueShape = Pick<ColumnDef, 'name' | 'type' | 'range' | 'discretes'> & { unit?: string; decimals?: number };

const MAX_STRING_LENGTH = 10_000;

/**
 * The value in its canonical form (numbers from numeric strings, discrete labels mapped to
 * their values, ISO timestamps to epoch ms), or a 400 naming `field`.
 */
export function coerceValue(shape: ValueShape, value: unknown, field: string): Value {
  if (value === null || value === undefined) return null;
  const bad = (why: string): TallyError => new TallyError('VALIDATION', `${shape.name} ${why}`, field);
  switch (shape.type) {
    case 'number': {
      const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof number !== 'number' || !Number.isFinite(number)) throw bad('must be a number');
      checkRange(shape, number, bad);
      return number;
    }
    case 'timestamp': {
      const time = typeof value === 'string' ? Date.parse(value) : value;
      if (typeof time !== 'number' || !Number.isFinite(time)) throw bad('must be a time (epoch ms or ISO 8601)');
      return time;
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw bad('must be true or false');
    }
    case 'string': {
      if (typeof value !== 'string') throw bad('must be a string');
      if (value.length > MAX_STRING_LENGTH) throw bad(`must be at most ${MAX_STRING_LENGTH} characters`);
      return value;
    }
    case 'discrete': {
      const match = findDiscrete(shape.discretes ?? [], value);
      if (!match) {
        const labels = (shape.discretes ?? []).map((d) => d.label).join(', ');
        throw bad(`must be one of: ${labels}`);
      }
      return match.value;
    }
  }
}

function checkRange(shape: ValueShape, number: number, bad: (why: string) => TallyError): void {
  const { min, max } = shape.range ?? {};
  if (min !== undefined && number < min) throw bad(`must be at least ${min}`);
  if (max !== undefined && number > max) throw bad(`must be at most ${max}`);
}

function findDiscrete(discretes: Discrete[], value: unknown): Discrete | undefined {
  const exact = discretes.find((d) => d.value === value);
  if (exact) return exact;
  if (typeof value !== 'string') return undefined;
  const text = value.toLowerCase();
  return discretes.find((d) => String(d.value).toLowerCase() === text || d.label.toLowerCase() === text);
}

/** The value as an operator reads it: discrete label, decimals and unit, ISO time. */
export function displayValue(shape: ValueShape, value: Value): string {
  if (value === null) return '';
  switch (shape.type) {
    case 'discrete': {
      const match = shape.discretes?.find((d) => d.value === value) ?? findDiscrete(shape.discretes ?? [], String(value));
      return match ? match.label : String(value);
    }
    case 'number': {
      if (typeof value !== 'number') return String(value);
      const text = shape.decimals !== undefined ? value.toFixed(shape.decimals) : String(value);
      return shape.unit ? `${text} ${shape.unit}` : text;
    }
    case 'timestamp': {
      const time = typeof value === 'number' ? value : Date.parse(String(value));
      return Number.isFinite(time) ? new Date(time).toISOString() : String(value);
    }
    default:
      return String(value);
  }
}
