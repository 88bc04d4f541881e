/**
 * The alarm console: active alarms, most severe first, or the history; filters; acknowledging
 * with a comment; each alarm's lifecycle. Kept current by the live socket, by alarm id.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { AlarmInfo, SessionInfo } from '../api/types.js';
import { AcknowledgeDialog } from '../components/acknowledge-dialog.js';
import { AlarmDetailDialog } from '../components/alarm-detail-dialog.js';
import { SeverityBadge } from '../components/badges.js';
import { useDocumentTitle } from '../components/use-document-title.js';
import { VirtualGrid, type GridColumn } from '../components/virtual-grid.js';
import { alarmElements, alarmSubject, filterAlarms, NO_ALARM_FILTER, sortActive, sortHistory, type AckFilter, type AlarmFilter } from '../logic/alarm-list.js';
import { formatTimestamp } from '../logic/format.js';
import { hasRole } from '../logic/roles.js';
import { routeHash } from '../logic/route.js';
import { SEVERITIES } from '../logic/severity.js';
import { connectors, loadConnectors } from '../state/connectors-state.js';
import { elementsState, loadElements } from '../state/elements-state.js';
import { useAlarmList } from '../state/use-alarm-list.js';
import { useObservable } from '../state/use-observable.js';

const ACK_REASON = 'Acknowledging needs the operator role';
const ALARM_SEVERITIES = SEVERITIES.filter((severity) => severity !== 'normal');

export function AlarmConsoleView({ path, user }: { path: string[]; user: SessionInfo }) {
  const history = path[0] === 'history';
  const list = useAlarmList(history ? 'all' : 'active');
  const [filter, setFilter] = useState<AlarmFilter>(NO_ALARM_FILTER);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [acknowledging, setAcknowledging] = useState<AlarmInfo[] | null>(null);
  const [detailOf, setDetailOf] = useState<AlarmInfo | null>(null);
  useDocumentTitle(history ? 'Alarm history' : 'Alarms');
  const canAck = hasRole(user.role, 'operator');
  const knownElements = useObservable(elementsState);
  const connectorMap = useObservable(connectors);

  // Names of parameters and columns come from each element's connector; ids stand in until they load.
  useEffect(() => {
    if (!elementsState.value.loaded) loadElements().catch(() => undefined);
    loadConnectors().catch(() => undefined);
  }, []);
  const connectorOf = (alarm: AlarmInfo) => {
    const connectorId = knownElements.elements.get(alarm.elementId)?.connector;
    return connectorId === undefined ? null : connectorMap?.get(connectorId) ?? null;
  };
  const subject = (alarm: AlarmInfo) => alarmSubject(alarm, connectorOf(alarm));

  const all = list.alarms ? [...list.alarms.values()] : [];
  const rows = useMemo(() => {
    const shown = filterAlarms(all, filter);
    return history ? sortHistory(shown) : sortActive(shown);
  }, [list.version, filter, history]);
  const elements = useMemo(() => alarmElements(all), [list.version]);
  const counts = useMemo(() => {
    const bySeverity = new Map<string, number>();
    for (const alarm of all) if (alarm.clearedAt === null) bySeverity.set(alarm.severity, (bySeverity.get(alarm.severity) ?? 0) + 1);
    return bySeverity;
  }, [list.version]);

  const set = (change: Partial<AlarmFilter>) => setFilter({ ...filter, ...change });
  const selectedOpen = [...selected].map((key) => list.alarms?.get(Number(key))).filter((a): a is AlarmInfo => !!a && a.clearedAt === null && !a.acknowledged);
  // A cleared alarm leaves the active list; its dialog keeps the last copy.
  const detail = detailOf && (list.alarms?.get(detailOf.id) ?? detailOf);

  const columns: GridColumn<AlarmInfo>[] = [
    { id: 'severity', header: 'Severity', width: '7.5rem', render: (alarm) => <SeverityBadge severity={alarm.severity} /> },
    {
      id: 'element',
      header: 'Element',
      width: 'minmax(10rem, 1.4fr)',
      render: (alarm) => (
        <a class="cell-link" href={routeHash({ view: 'element', elementId: alarm.elementId })} tabIndex={-1}>
          {alarm.elementName}
        </a>
      ),
    },
    { id: 'subject', header: 'Subject', width: 'minmax(9rem, 1.2fr)', render: subject },
    { id: 'message', header: 'Message', width: 'minmax(14rem, 2.6fr)', render: (alarm) => <span title={alarm.message}>{alarm.message}</span> },
    { id: 'raised', header: 'Raised', width: '10.5rem', render: (alarm) => formatTimestamp(alarm.raisedAt) },
    ...(history
      ? [
          {
            id: 'cleared',
            header: 'Cleared',
            width: '10.5rem',
            render: (alarm: AlarmInfo) => (alarm.clearedAt === null ? <span class="badge badge-bad">Active</span> : formatTimestamp(alarm.clearedAt)),
          },
        ]
      : []),
    {
      id: 'ack',
      header: 'Acknowledged',
      width: 'minmax(9rem, 1fr)',
      render: (alarm) =>
        alarm.acknowledged ? (
          <span class="ack-cell" title={alarm.ackComment ?? undefined}>
            ✓ {alarm.ackUser ?? ''}
            {alarm.ackComment && <span class="muted"> · {alarm.ackComment}</span>}
          </span>
        ) : (
          <span class="muted">No</span>
        ),
    },
    {
      id: 'actions',
      header: '',
      width: '12rem',
      render: (alarm) => (
        <span class="row-buttons" onMouseDown={(event) => event.stopPropagation()}>
          {alarm.clearedAt === null && !alarm.acknowledged && (
            <button
              type="button"
              class="button-small"
              tabIndex={-1}
              disabled={!canAck}
              title={canAck ? 'Acknowledge with a comment' : ACK_REASON}
              aria-label={`Acknowledge ${alarm.elementName} ${subject(alarm)}`}
              onClick={() => setAcknowledging([alarm])}
            >
              Acknowledge
            </button>
          )}
          <button type="button" class="button-small button-quiet" tabIndex={-1} aria-label={`History of alarm ${alarm.id}`} onClick={() => setDetailOf(alarm)}>
            History
          </button>
        </span>
      ),
    },
  ];

  return (
    <section class="page alarm-console" aria-labelledby="alarms-title">
      <div class="page-head">
        <h1 id="alarms-title">Alarms</h1>
        <nav class="segmented segmented-links" aria-label="Alarm lists">
          <a href="#/alarms" class={history ? '' : 'on'} aria-current={history ? undefined : 'page'}>
            Active
          </a>
          <a href="#/alarms/history" class={history ? 'on' : ''} aria-current={history ? 'page' : undefined}>
            History
          </a>
        </nav>
        <div class="severity-counts" aria-label="Active alarms by severity">
          {ALARM_SEVERITIES.filter((severity) => counts.get(severity)).map((severity) => (
            <button
              key={severity}
              type="button"
              class={`severity-count${filter.severity === severity ? ' on' : ''}`}
              aria-pressed={filter.severity === severity ? 'true' : 'false'}
              title={`Show only ${severity} alarms`}
              onClick={() => set({ severity: filter.severity === severity ? '' : severity })}
            >
              <SeverityBadge severity={severity} />
              <span class="count">{counts.get(severity)}</span>
            </button>
          ))}
        </div>
        <span class="count">
          {rows.length === all.length ? `${all.length} alarms` : `${rows.length} of ${all.length} alarms`}
        </span>
      </div>
      <div class="filter-bar">
        <input type="search" class="search" placeholder="Search element, subject, message" aria-label="Search alarms" value={filter.text} onInput={(event) => set({ text: event.currentTarget.value })} />
        <select aria-label="Filter by severity" value={filter.severity} onChange={(event) => set({ severity: event.currentTarget.value })}>
          <option value="">All severities</option>
          {SEVERITIES.map((severity) => (
            <option key={severity} value={severity}>
              {severity}
            </option>
          ))}
        </select>
        <select aria-label="Filter by element" value={filter.elementId} onChange={(event) => set({ elementId: event.currentTarget.value })}>
          <option value="">All elements</option>
          {elements.map((element) => (
            <option key={element.id} value={element.id}>
              {element.name}
            </option>
          ))}
        </select>
        <select aria-label="Filter by acknowledgement" value={filter.ack} onChange={(event) => set({ ack: event.currentTarget.value as AckFilter })}>
          <option value="any">Acknowledged or not</option>
          <option value="unacknowledged">Not acknowledged</option>
          <option value="acknowledged">Acknowledged</option>
        </select>
        <div class="toolbar">
          {!canAck && <span class="muted read-only-note">{ACK_REASON}.</span>}
          <button type="button" disabled={!canAck || selectedOpen.length === 0} title={canAck ? 'Select alarms in the list first' : ACK_REASON} onClick={() => setAcknowledging(selectedOpen)}>
            Acknowledge selected{selectedOpen.length > 0 && ` (${selectedOpen.length})`}
          </button>
        </div>
      </div>
      {list.error && (
        <p class="form-error" role="alert">
          {list.error}
        </p>
      )}
      <VirtualGrid
        label={history ? 'Alarm history' : 'Active alarms'}
        columns={columns}
        rows={rows}
        rowKey={(alarm) => String(alarm.id)}
        selected={selected}
        onSelect={setSelected}
        onActivate={setDetailOf}
        rowClass={(alarm) => `alarm-row severity-row-${alarm.severity}${alarm.clearedAt !== null ? ' alarm-cleared' : ''}${alarm.acknowledged ? ' alarm-acked' : ''}`}
        maxVisibleRows={24}
        emptyText={list.alarms === null ? 'Loading…' : all.length ? 'No alarm matches the filters.' : history ? 'No alarms yet.' : 'No active alarms.'}
      />
      {acknowledging && <AcknowledgeDialog alarms={acknowledging} onAcknowledged={list.apply} onClose={() => setAcknowledging(null)} />}
      {detail && <AlarmDetailDialog alarm={detail} subject={subject(detail)} onClose={() => setDetailOf(null)} />}
    </section>
  );
}
