/**
 * The alarm console's list: live changes applied by alarm id, the operator's filters, and
 * the order operators expect (most severe first, then newest).
 */
import type { AlarmInfo } from '../api/types.js';
import { severityRank } from './severity.js';

export type AckFilter = 'any' | 'unacknowledged' | 'acknowledged';

export interface AlarmFilter {
  /** One severity, or '' for all. */
  severity: string;
  /** One element id, or '' for all. */
  elementId: string;
  /** Words that must all appear in the element, subject, value or message. */
  text: string;
  ack: AckFilter;
}

export const NO_ALARM_FILTER: AlarmFilter = { severity: '', elementId: '', text: '', ack: 'any' };

/**
 * Applies one alarm change to a list keyed by alarm id. The active list drops cleared alarms,
 * the history keeps them. An older copy (a snapshot overtaken by a live message) never wins.
 * Returns whether the list changed.
 */
export function applyAlarm(alarms: Map<number, AlarmInfo>, alarm: AlarmInfo, keepCleared: boolean): boolean {
  const current = alarms.get(alarm.id);
  if (current && current.updatedAt > alarm.updatedAt) return false;
  if (alarm.clearedAt !== null && !keepCleared) return alarms.delete(alarm.id);
  alarms.set(alarm.id, alarm);
  return true;
}

type Subject = Pick<AlarmInfo, 'paramId' | 'tableId' | 'displayKey'>;

/**
 * What the alarm is about, as an operator reads it: the row and the column, or the parameter,
 * by name when the element's connector is known.
 */
export function alarmSubject(alarm: Subject, connector?: ConnectorNames | null): string {
  if (alarm.paramId === null) return 'Element state';
  const column = alarm.tableId && alarm.paramId.startsWith(alarm.tableId + '.') ? alarm.paramId.slice(alarm.tableId.length + 1) : null;
  const name = column
    ? connector?.tables.find((table) => table.id === alarm.tableId)?.columns.find((c) => c.id === column)?.name ?? column
    : connector?.params.find((param) => param.id === alarm.paramId)?.name ?? alarm.paramId;
  return alarm.displayKey ? `${alarm.displayKey} · ${name}` : name;
}

/** The part of a connector that names parameters and columns. */
export interface ConnectorNames {
  params: readonly { id: string; name: string }[];
  tables: readonly { id: string; columns: readonly { id: string; name: string }[] }[];
}

export function filterAlarms(alarms: Iterable<AlarmInfo>, filter: AlarmFilter): AlarmInfo[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  const result: AlarmInfo[] = [];
  for (const alarm of alarms) {
    if (filter.severity && alarm.severity !== filter.severity) continue;
    if (filter.elementId && alarm.elementId !== filter.elementId) continue;
    if (filter.ack === 'acknowledged' && !alarm.acknowledged) continue;
    if (filter.ack === 'unacknowledged' && alarm.acknowledged) continue;
    if (words.length) {
      const text = `${alarm.elementName} ${alarmSubject(alarm)} ${String(alarm.value ?? '')} ${alarm.message}`.toLowerCase();
      if (!words.every((word) => text.includes(word))) continue;
    }
    result.push(alarm);
  }
  return result;
}

/** Active alarms: most severe first, newest first within a severity. */
export function sortActive(alarms: AlarmInfo[]): AlarmInfo[] {
  return alarms.sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || b.raisedAt - a.raisedAt || b.id - a.id);
}

/** History: what happened last first (a clearing counts as happening). */
export function sortHistory(alarms: AlarmInfo[]): AlarmInfo[] {
  return alarms.sort((a, b) => b.updatedAt - a.updatedAt || b.id - a.id);
}

/** The elements that have alarms in the list, by name, for the element filter. */
export function alarmElements(alarms: Iterable<AlarmInfo>): { id: string; name: string }[] {
  const names = new Map<string, string>();
  for (const alarm of alarms) names.set(alarm.elementId, alarm.elementName);
  return [...names].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
}
