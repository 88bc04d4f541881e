/**
 * Everything one element card shows — the element, its parameters, tables and active alarms — loaded
 * once and then kept current by live messages, applied by parameter id and row key.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api/api-client.js';
import { describeError } from '../api/api-error.js';
import { live } from '../api/live-socket.js';
import type { AlarmInfo, ConnectorInfo, ElementView, LiveMessage, ParamView, RowView, TableView } from '../api/types.js';
import { applyRowChanges } from '../logic/table-model.js';
import { loadConnectors } from './connectors-state.js';

export interface LiveTable {
  meta: Omit<TableView, 'rows'>;
  rows: Map<string, RowView>;
  /** Bumped on every change, so views recompute only the tables that changed. */
  version: number;
}

export interface CardData {
  connector: ConnectorInfo | null;
  element: ElementView | null;
  params: Map<string, ParamView>;
  tables: Map<string, LiveTable>;
  /** Active alarms by id; null when this Tally has no alarm engine. */
  alarms: Map<string, AlarmInfo> | null;
  removed: boolean;
  error: string | null;
}

export function useElementCard(elementId: string): CardData {
  const data = useRef<CardData>({ connector: null, element: null, params: new Map(), tables: new Map(), alarms: null, removed: false, error: null });
  const [, setVersion] = useState(0);

  useEffect(() => {
    let disposed = false;
    const rerender = () => !disposed && setVersion((v) => v + 1);

    const load = async () => {
      try {
        const element = await api.element(elementId);
        const connector = (await loadConnectors()).get(element.connector) ?? null;
        const [params, tables, alarms] = await Promise.all([
          api.params(elementId),
          Promise.all((connector?.tables ?? []).map((table) => api.table(elementId, table.id).catch(() => null))),
          api.activeAlarms(elementId).catch(() => null),
        ]);
        if (disposed) return;
        const current = data.current;
        current.connector = connector;
        current.element = element;
        // Live messages may have arrived while the snapshot was on its way: the newer wins.
        current.params = new Map(params.map((param) => [param.id, newer(current.params.get(param.id), param)]));
        for (const table of tables) {
          if (!table) continue;
          const { rows, ...meta } = table;
          const previous = current.tables.get(table.id);
          const merged = new Map(rows.map((row) => [row.key, newer(previous?.rows.get(row.key), row)]));
          current.tables.set(table.id, { meta, rows: merged, version: (previous?.version ?? 0) + 1 });
        }
        current.alarms = alarms && new Map(alarms.map((alarm) => [String(alarm.id), alarm]));
        current.error = null;
      } catch (error) {
        data.current.error = describeError(error);
      }
      rerender();
    };

    const apply = (messages: LiveMessage[]) => {
      const current = data.current;
      let changed = false;
      for (const message of messages) {
        if (message.type === 'element' && message.element.id === elementId) {
          current.element = message.element;
          changed = true;
        } else if (message.type === 'element-removed' && message.elementId === elementId) {
          current.removed = true;
          changed = true;
        } else if (message.type === 'params' && message.elementId === elementId) {
          for (const param of message.params) current.params.set(param.id, param);
          changed = true;
        } else if (message.type === 'alarm' && message.alarm.elementId === elementId) {
          const alarm = message.alarm as unknown as AlarmInfo;
          current.alarms ??= new Map();
          if (alarm.clearedAt || alarm.severity === 'normal') current.alarms.delete(String(alarm.id));
          else current.alarms.set(String(alarm.id), alarm);
          changed = true;
        } else if (message.type === 'rows' && message.elementId === elementId) {
          const table = current.tables.get(message.tableId);
          if (!table) continue;
          applyRowChanges(table.rows, message.rows, message.removed);
          table.version += 1;
          changed = true;
        }
      }
      if (changed) rerender();
    };

    void load();
    const stopFollowing = live.follow([elementId], apply, () => void load());
    return () => {
      disposed = true;
      stopFollowing();
    };
  }, [elementId]);

  return data.current;
}

/** The live copy when it is more recent than the snapshot's. */
function newer<T extends { updatedAt: number | null }>(live: T | undefined, snapshot: T): T {
  return live && (live.updatedAt ?? 0) > (snapshot.updatedAt ?? 0) ? live : snapshot;
}
