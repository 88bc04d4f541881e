import { describe, expect, it } from 'vitest';
import type { AlarmInfo } from '../api/types.js';
import { alarmElements, alarmSubject, applyAlarm, filterAlarms, NO_ALARM_FILTER, sortActive, sortHistory } from './alarm-list.js';

function alarm(id: number, fields: Partial<AlarmInfo> = {}): AlarmInfo {
  return {
    id,
    elementId: 'e1',
    elementName: 'StreamHub Lyon',
    ruleId: 'sdiOutputs.status',
    paramId: 'sdiOutputs.status',
    tableId: 'sdiOutputs',
    rowKey: '2',
    displayKey: 'SDI 2',
    severity: 'major',
    value: 3,
    message: 'SDI 2 status is Error',
    raisedAt: 1000 + id,
    updatedAt: 1000 + id,
    clearedAt: null,
    acknowledged: false,
    ackComment: null,
    ackUser: null,
    ackAt: null,
    ...fields,
  };
}

describe('the alarm list', () => {
  it('applies changes by alarm id, dropping cleared alarms from the active list only', () => {
    const active = new Map<number, AlarmInfo>();
    const history = new Map<number, AlarmInfo>();
    expect(applyAlarm(active, alarm(1), false)).toBe(true);
    applyAlarm(history, alarm(1), true);
    expect(applyAlarm(active, alarm(1, { severity: 'minor', updatedAt: 2000 }), false)).toBe(true);
    expect(active.get(1)?.severity).toBe('minor');
    const cleared = alarm(1, { clearedAt: 3000, updatedAt: 3000 });
    expect(applyAlarm(active, cleared, false)).toBe(true);
    applyAlarm(history, cleared, true);
    expect(active.size).toBe(0);
    expect(history.get(1)?.clearedAt).toBe(3000);
  });

  it('never lets an older copy overwrite a newer one', () => {
    const alarms = new Map([[1, alarm(1, { acknowledged: true, updatedAt: 5000 })]]);
    expect(applyAlarm(alarms, alarm(1, { updatedAt: 4000 }), false)).toBe(false);
    expect(alarms.get(1)?.acknowledged).toBe(true);
  });

  it('sorts active alarms by severity, then newest first; history by last change', () => {
    const list = [alarm(1, { severity: 'minor' }), alarm(2, { severity: 'critical' }), alarm(3, { severity: 'minor' }), alarm(4, { severity: 'timeout' })];
    expect(sortActive([...list]).map((a) => a.id)).toEqual([4, 2, 3, 1]);
    const changed = [alarm(1, { updatedAt: 9000 }), alarm(2), alarm(3)];
    expect(sortHistory(changed).map((a) => a.id)).toEqual([1, 3, 2]);
  });

  it('filters by severity, element, acknowledgement and words', () => {
    const list = [
      alarm(1),
      alarm(2, { severity: 'minor', acknowledged: true }),
      alarm(3, { elementId: 'e2', elementName: 'CLOUDPORT Acme', paramId: 'health', tableId: null, displayKey: null, message: 'Health is degraded' }),
    ];
    const ids = (filter: Partial<typeof NO_ALARM_FILTER>) => filterAlarms(list, { ...NO_ALARM_FILTER, ...filter }).map((a) => a.id);
    expect(ids({})).toEqual([1, 2, 3]);
    expect(ids({ severity: 'minor' })).toEqual([2]);
    expect(ids({ elementId: 'e2' })).toEqual([3]);
    expect(ids({ ack: 'unacknowledged' })).toEqual([1, 3]);
    expect(ids({ ack: 'acknowledged' })).toEqual([2]);
    expect(ids({ text: 'acme DEGRADED' })).toEqual([3]);
    expect(ids({ text: 'sdi lyon' })).toEqual([1, 2]);
  });

  it('names the subject: row and column, parameter, or the element state', () => {
    expect(alarmSubject(alarm(1))).toBe('SDI 2 · status');
    expect(alarmSubject({ paramId: 'healthStatus', tableId: null, displayKey: null })).toBe('healthStatus');
    expect(alarmSubject({ paramId: null, tableId: null, displayKey: null })).toBe('Element state');
    const connector = { params: [{ id: 'healthStatus', name: 'Health' }], tables: [{ id: 'sdiOutputs', columns: [{ id: 'status', name: 'Status' }] }] };
    expect(alarmSubject(alarm(1), connector)).toBe('SDI 2 · Status');
    expect(alarmSubject({ paramId: 'healthStatus', tableId: null, displayKey: null }, connector)).toBe('Health');
  });

  it('lists the alarmed elements by name', () => {
    expect(alarmElements([alarm(1), alarm(2), alarm(3, { elementId: 'e0', elementName: 'Alpha' })])).toEqual([
      { id: 'e0', name: 'Alpha' },
      { id: 'e1', name: 'StreamHub Lyon' },
    ]);
  });
});
