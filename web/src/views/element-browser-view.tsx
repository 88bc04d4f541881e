/** Every element at a glance: state, worst alarm, connector, host; search, filter, row menu. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { describeError } from '../api/api-error.js';
import { live } from '../api/live-socket.js';
import type { ElementView, SessionInfo } from '../api/types.js';
import { SeverityBadge, StateBadge } from '../components/badges.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { ContextMenu, type MenuItem } from '../components/context-menu.js';
import { useDocumentTitle } from '../components/use-document-title.js';
import { VirtualGrid, type GridColumn } from '../components/virtual-grid.js';
import { hasRole } from '../logic/roles.js';
import { routeHash } from '../logic/route.js';
import { severityRank } from '../logic/severity.js';
import { nextSortOrder, type SortOrder } from '../logic/table-model.js';
import { connectors, loadConnectors } from '../state/connectors-state.js';
import { applyElementMessages, elementsState, failElements, loadElements } from '../state/elements-state.js';
import { notify } from '../state/notices.js';
import { useObservable } from '../state/use-observable.js';
import { ELEMENT_COMMANDS, commandApplies, type ElementCommand } from './element-commands.js';

const STATES = ['active', 'initialising', 'paused', 'stopped', 'timeout', 'error'];

export function ElementBrowserView({ user }: { user: SessionInfo }) {
  const snapshot = useObservable(elementsState);
  const connectorMap = useObservable(connectors);
  const [search, setSearch] = useState('');
  const [stateFilter, setStateFilter] = useState('');
  const [connectorFilter, setConnectorFilter] = useState('');
  const [sort, setSort] = useState<SortOrder | null>({ column: 'name', direction: 'ascending' });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [menu, setMenu] = useState<{ x: number; y: number; ids: string[]; returnFocus: HTMLElement | null } | null>(null);
  const [confirming, setConfirming] = useState<{ command: ElementCommand; targets: ElementView[] } | null>(null);
  useDocumentTitle('Elements');

  useEffect(() => {
    const reload = () => loadElements().catch((error: unknown) => failElements(describeError(error)));
    void reload();
    loadConnectors().catch((error: unknown) => notify('bad', 'Connectors not loaded', describeError(error)));
    return live.follow('overview', applyElementMessages, reload);
  }, []);

  const connectorName = (id: string) => connectorMap?.get(id)?.name ?? id;

  const rows = useMemo(() => {
    const words = search.toLowerCase().split(/\s+/).filter(Boolean);
    const list = [...snapshot.elements.values()].filter((element) => {
      if (stateFilter && element.state !== stateFilter) return false;
      if (connectorFilter && element.connector !== connectorFilter) return false;
      const text = `${element.name} ${element.connection.host} ${element.connector} ${connectorName(element.connector)}`.toLowerCase();
      return words.every((word) => text.includes(word));
    });
    return sortElements(list, sort, snapshot.severities, connectorName);
  }, [snapshot, search, stateFilter, connectorFilter, sort, connectorMap]);

  const canOperate = hasRole(user.role, 'operator');
  const open = (element: ElementView) => (location.hash = routeHash({ view: 'element', elementId: element.id }));

  const run = async (command: ElementCommand, targets: ElementView[]) => {
    const results = await Promise.allSettled(targets.map((element) => command.run(element)));
    const failures = results
      .map((result, index) => (result.status === 'rejected' ? `${targets[index].name}: ${describeError(result.reason)}` : null))
      .filter((text): text is string => text !== null);
    if (failures.length) notify('bad', `${command.label} refused`, failures.join('\n'));
    else notify('good', command.label, `${command.past}: ${targets.map((element) => element.name).join(', ')}`);
  };

  const choose = (commandId: string) => {
    const command = ELEMENT_COMMANDS.find((candidate) => candidate.id === commandId);
    const targets = (menu?.ids ?? []).map((id) => snapshot.elements.get(id)).filter((e): e is ElementView => !!e);
    menu?.returnFocus?.focus();
    setMenu(null);
    if (!command || targets.length === 0) return;
    if (command.confirm) setConfirming({ command, targets });
    else void run(command, targets);
  };

  const menuItems = (ids: string[]): MenuItem[] => {
    const targets = ids.map((id) => snapshot.elements.get(id)).filter((e): e is ElementView => !!e);
    return ELEMENT_COMMANDS.map((command) => {
      const fits = targets.some((element) => commandApplies(command, element));
      return {
        id: command.id,
        label: command.label,
        destructive: !!command.confirm,
        enabled: canOperate && fits,
        ...(canOperate ? (fits ? {} : { reason: 'not in this state' }) : { reason: 'needs operator role' }),
      };
    });
  };

  const columns: GridColumn<ElementView>[] = [
    {
      id: 'name',
      header: 'Name',
      width: 'minmax(12rem, 2fr)',
      sortable: true,
      render: (element) => (
        <a class="cell-link" href={routeHash({ view: 'element', elementId: element.id })} tabIndex={-1}>
          {element.name}
        </a>
      ),
    },
    { id: 'state', header: 'State', width: '8.5rem', sortable: true, render: (element) => <StateBadge state={element.state} /> },
    ...(snapshot.severities
      ? [{ id: 'alarm', header: 'Alarm', width: '7.5rem', sortable: true, render: (e: ElementView) => <SeverityBadge severity={snapshot.severities?.get(e.id)} /> }]
      : []),
    { id: 'connector', header: 'Connector', width: 'minmax(10rem, 1.2fr)', sortable: true, render: (element) => connectorName(element.connector) },
    { id: 'host', header: 'Host', width: 'minmax(10rem, 1.2fr)', sortable: true, render: (element) => `${element.connection.host}:${element.connection.port}` },
    {
      id: 'reason',
      header: 'Reason',
      width: 'minmax(10rem, 2fr)',
      render: (element) =>
        element.state === 'active' ? null : (
          <span class="muted" title={element.stateReason}>
            {element.stateReason}
          </span>
        ),
    },
    {
      id: 'menu',
      header: '',
      width: '2.5rem',
      render: (element) => (
        <button
          type="button"
          class="row-menu-button"
          aria-label={`Actions for ${element.name}`}
          aria-haspopup="menu"
          tabIndex={-1}
          onMouseDown={(event) => event.stopPropagation()}
          onClick={(event) => {
            const rect = (event.currentTarget as HTMLElement).getBoundingClientRect();
            setMenu({ x: rect.left, y: rect.bottom, ids: [element.id], returnFocus: event.currentTarget as HTMLElement });
          }}
        >
          ⋯
        </button>
      ),
    },
  ];

  return (
    <section class="page" aria-labelledby="elements-title">
      <div class="page-head">
        <h1 id="elements-title">Elements</h1>
        <span class="count">
          {rows.length} of {snapshot.elements.size}
        </span>
        <div class="toolbar">
          <input
            type="search"
            class="search"
            placeholder="Search name, host, connector"
            aria-label="Search elements"
            value={search}
            onInput={(event) => setSearch(event.currentTarget.value)}
          />
          <select aria-label="Filter by state" value={stateFilter} onChange={(event) => setStateFilter(event.currentTarget.value)}>
            <option value="">All states</option>
            {STATES.map((state) => (
              <option key={state} value={state}>
                {state}
              </option>
            ))}
          </select>
          <select aria-label="Filter by connector" value={connectorFilter} onChange={(event) => setConnectorFilter(event.currentTarget.value)}>
            <option value="">All connectors</option>
            {[...(connectorMap?.values() ?? [])].map((connector) => (
              <option key={connector.id} value={connector.id}>
                {connector.name}
              </option>
            ))}
          </select>
          {hasRole(user.role, 'admin') && (
            <a class="button button-primary" href={routeHash({ view: 'new-element' })}>
              New element
            </a>
          )}
        </div>
      </div>
      {snapshot.error && (
        <p class="form-error" role="alert">
          {snapshot.error}
        </p>
      )}
      <VirtualGrid
        label="Elements"
        columns={columns}
        rows={rows}
        rowKey={(element) => element.id}
        selected={selected}
        onSelect={setSelected}
        sort={sort}
        onSort={(column) => setSort(nextSortOrder(sort, column))}
        onActivate={open}
        onContextMenu={(x, y, keys) => setMenu({ x, y, ids: [...keys], returnFocus: document.activeElement as HTMLElement | null })}
        maxVisibleRows={24}
        emptyText={snapshot.loaded ? (snapshot.elements.size ? 'No element matches the filter.' : 'No elements yet.') : 'Loading…'}
      />
      {menu && (
        <ContextMenu
          label="Element actions"
          x={menu.x}
          y={menu.y}
          items={menuItems(menu.ids)}
          onChoose={choose}
          onClose={() => {
            menu.returnFocus?.focus();
            setMenu(null);
          }}
        />
      )}
      {confirming && (
        <ConfirmDialog
          title={`${confirming.command.label} ${confirming.targets.length === 1 ? confirming.targets[0].name : confirming.targets.length + ' elements'}?`}
          text={confirming.command.confirm ?? ''}
          confirmLabel={confirming.command.label}
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            const { command, targets } = confirming;
            setConfirming(null);
            void run(command, targets);
          }}
        />
      )}
    </section>
  );
}

function sortElements(
  list: ElementView[],
  sort: SortOrder | null,
  severities: Map<string, string> | null,
  connectorName: (id: string) => string,
): ElementView[] {
  if (!sort) return list;
  const sign = sort.direction === 'ascending' ? 1 : -1;
  const key = (element: ElementView): string | number => {
    switch (sort.column) {
      case 'state':
        return element.state;
      case 'alarm':
        return severityRank(severities?.get(element.id) ?? 'normal');
      case 'connector':
        return connectorName(element.connector);
      case 'host':
        return element.connection.host;
      default:
        return element.name;
    }
  };
  return [...list].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const diff = typeof ka === 'number' && typeof kb === 'number' ? ka - kb : String(ka).localeCompare(String(kb), undefined, { numeric: true });
    return sign * diff || a.name.localeCompare(b.name);
  });
}
