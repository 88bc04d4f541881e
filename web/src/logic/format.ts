/** How values read on screen: discrete labels, decimals, times. */
import type { ColumnDef, Discrete, Value } from '../api/types.js';

export interface ValueShapeLike {
  type: ColumnDef['type'];
  decimals?: number;
  discretes?: Discrete[];
}

/** The label of a discrete value, or the raw value when the list does not know it. */
export function discreteLabel(discretes: Discrete[] | undefined, value: Value): string {
  if (value === null || value === undefined) return '';
  const match = discretes?.find((entry) => entry.value === value || String(entry.value) === String(value));
  return match ? match.label : String(value);
}

/** A cell or value as an operator reads it, without its unit. */
export function formatValue(shape: ValueShapeLike, value: Value): string {
  if (value === null || value === undefined || value === '') return '';
  switch (shape.type) {
    case 'discrete':
      return discreteLabel(shape.discretes, value);
    case 'boolean':
      if (shape.discretes?.length) return discreteLabel(shape.discretes, value);
      return value === true || value === 'true' ? 'Yes' : 'No';
    case 'number':
      return typeof value === 'number' && shape.decimals !== undefined ? value.toFixed(shape.decimals) : String(value);
    case 'timestamp':
      return typeof value === 'number' ? formatTimestamp(value) : String(value);
    default:
      return String(value);
  }
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Local time in a fixed, sortable, unambiguous form: 2026-03-09 10:00:05. */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "5 s ago", "3 min ago", "2 h ago" — for "last updated" hints. */
export function formatAge(ms: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} d ago`;
}

/** Milliseconds as an operator reads a duration: "850 ms", "2.4 s". */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
