/**
 * Reading simulator options: they arrive from CLI flags as strings or booleans, or from
 * tests as typed values.
 */

/** `true`, `"true"`, `"1"` and `"on"` switch a flag on. */
export function isOn(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 'on' || value === 1;
}

/** `false`, `"false"`, `"0"` and `"off"` switch a flag off explicitly. */
export function isOff(value: unknown): boolean {
  return value === false || value === 'false' || value === '0' || value === 'off' || value === 0;
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A number, or undefined when absent; a value that is not a number is an error, not a default. */
export function optionalNumber(value: unknown, name = 'option'): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const number = Number(value);
  if (!Number.isFinite(number)) throw new Error(`${name}: expected a number, got ${String(value)}`);
  return number;
}
