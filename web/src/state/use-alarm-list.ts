/**
 * The alarms the console shows — active ones, or with `all` the history too — loaded once and
 * then kept current by live `alarm` messages, applied by alarm id.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api/api-client.js';
import { describeError } from '../api/api-error.js';
import { live } from '../api/live-socket.js';
import type { AlarmInfo, LiveMessage } from '../api/types.js';
import { applyAlarm } from '../logic/alarm-list.js';

export interface AlarmList {
  /** Null until the first answer. */
  alarms: Map<number, AlarmInfo> | null;
  error: string;
  /** Bumped on every change, so views recompute only when something changed. */
  version: number;
  /** Applies an answer of the API (e.g. an acknowledgement) without waiting for the live echo. */
  apply: (alarm: AlarmInfo) => void;
}

export function useAlarmList(state: 'active' | 'all'): AlarmList {
  const alarms = useRef<Map<number, AlarmInfo> | null>(null);
  const [error, setError] = useState('');
  const [version, setVersion] = useState(0);
  const keepCleared = state === 'all';
  const bump = () => setVersion((v) => v + 1);

  useEffect(() => {
    let disposed = false;
    alarms.current = null;
    // Changes pushed while a snapshot is on its way are applied on top of it, so none is lost.
    let pending: AlarmInfo[] | null = [];

    const load = async () => {
      pending = [];
      try {
        const snapshot = new Map((await api.alarms(state)).map((alarm) => [alarm.id, alarm]));
        if (disposed) return;
        for (const alarm of pending) applyAlarm(snapshot, alarm, keepCleared);
        alarms.current = snapshot;
        setError('');
      } catch (failure) {
        if (!disposed) setError(describeError(failure));
      }
      pending = null;
      if (!disposed) bump();
    };

    const onMessages = (messages: LiveMessage[]) => {
      let changed = false;
      for (const message of messages) {
        if (message.type !== 'alarm') continue;
        const alarm = message.alarm as unknown as AlarmInfo;
        if (pending) pending.push(alarm);
        if (alarms.current && applyAlarm(alarms.current, alarm, keepCleared)) changed = true;
      }
      if (changed) bump();
    };

    void load();
    const stopFollowing = live.follow('overview', onMessages, () => void load());
    return () => {
      disposed = true;
      stopFollowing();
    };
  }, [state]);

  const apply = (alarm: AlarmInfo) => {
    if (alarms.current && applyAlarm(alarms.current, alarm, keepCleared)) bump();
  };
  return { alarms: alarms.current, error, version, apply };
}
