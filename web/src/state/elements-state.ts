/**
 * Every element and its highest active alarm, kept current by live messages while the
 * element browser watches them.
 */
import { api } from '../api/api-client.js';
import type { AlarmInfo, ElementView, LiveMessage } from '../api/types.js';
import { highestSeverityByElement } from '../logic/severity.js';
import { Observable } from './observable.js';

export interface ElementsSnapshot {
  elements: Map<string, ElementView>;
  /** Element id → highest active severity; null when this Tally has no alarm engine. */
  severities: Map<string, string> | null;
  loaded: boolean;
  error: string | null;
}

export const elementsState = new Observable<ElementsSnapshot>({
  elements: new Map(),
  severities: null,
  loaded: false,
  error: null,
});

const activeAlarms = new Map<string, AlarmInfo>();
let alarmsAvailable = false;
/**
 * Live messages received while the newest snapshot loads. The snapshot may have been read
 * before them, so they are applied again on top of it: a state change that arrives during
 * the first load is not lost. Re-applying is harmless, as messages replace by id.
 */
let arrivedDuringLoad: LiveMessage[] | null = null;

export async function loadElements(): Promise<void> {
  const arrived: LiveMessage[] = [];
  arrivedDuringLoad = arrived;
  let list: ElementView[];
  let alarms: AlarmInfo[] | null;
  try {
    [list, alarms] = await Promise.all([api.elements(), api.activeAlarms().catch(() => null)]);
  } finally {
    if (arrivedDuringLoad === arrived) arrivedDuringLoad = null;
  }
  activeAlarms.clear();
  alarmsAvailable = alarms !== null;
  for (const alarm of alarms ?? []) activeAlarms.set(String(alarm.id), alarm);
  elementsState.set({
    elements: new Map(list.map((element) => [element.id, element])),
    severities: alarmsAvailable ? highestSeverityByElement(activeAlarms.values()) : null,
    loaded: true,
    error: null,
  });
  applyMessages(arrived);
}

export function failElements(error: string): void {
  elementsState.set({ ...elementsState.value, loaded: true, error });
}

/** Applies one frame's live messages: element states, removals and alarm changes. */
export function applyElementMessages(messages: readonly LiveMessage[]): void {
  arrivedDuringLoad?.push(...messages);
  applyMessages(messages);
}

function applyMessages(messages: readonly LiveMessage[]): void {
  let changed = false;
  let alarmsChanged = false;
  const elements = elementsState.value.elements;
  for (const message of messages) {
    if (message.type === 'element') {
      elements.set(message.element.id, message.element);
      changed = true;
    } else if (message.type === 'element-removed') {
      elements.delete(message.elementId);
      changed = true;
    } else if (message.type === 'alarm') {
      const alarm = message.alarm as unknown as AlarmInfo;
      const id = String(alarm.id);
      if (alarm.clearedAt || alarm.severity === 'normal') activeAlarms.delete(id);
      else activeAlarms.set(id, alarm);
      alarmsAvailable = true;
      alarmsChanged = true;
    }
  }
  if (!changed && !alarmsChanged) return;
  elementsState.set({
    ...elementsState.value,
    elements,
    severities: alarmsAvailable ? highestSeverityByElement(activeAlarms.values()) : null,
  });
}
