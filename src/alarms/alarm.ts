/**
 * The alarm as the API, the live bus and webhooks show it. Times are epoch milliseconds.
 * A cleared alarm keeps the severity it last had, so history reads "major, cleared at …".
 */
import type { AlarmSeverity, Value } from '../sdk/index.js';

export interface Alarm {
  id: number;
  elementId: string;
  elementName: string;
  /** The template rule that raised it; `element-state` for timeout and error alarms. */
  ruleId: string;
  /** The parameter id, `<tableId>.<columnId>` for a column, null for timeout and error alarms. */
  paramId: string | null;
  tableId: string | null;
  rowKey: string | null;
  displayKey: string | null;
  severity: AlarmSeverity;
  value: Value;
  message: string;
  raisedAt: number;
  updatedAt: number;
  clearedAt: number | null;
  acknowledged: boolean;
  ackComment: string | null;
  ackUser: string | null;
  ackAt: number | null;
}

/** A step of an alarm's life. `value` changes of an active alarm are pushed live, not kept. */
export type AlarmChangeKind = 'raised' | 'severity' | 'cleared' | 'acknowledged' | 'value';

export interface AlarmChange {
  alarmId: number;
  time: number;
  change: AlarmChangeKind;
  severity: AlarmSeverity;
  value: Value;
  message: string;
  user: string | null;
  comment: string | null;
}

/** The rule id of the one alarm an element in `timeout` or `error` raises. */
export const ELEMENT_STATE_RULE = 'element-state';
