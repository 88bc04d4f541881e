/**
 * The element card: a header with the element's state and commands, the connector's pages
 * as tabs in their declared order, and the stream viewer.
 */
import { useState } from 'preact/hooks';
import { describeError } from '../api/api-error.js';
import type { ActionInfo, AlarmInfo, ElementView, PageDef, PageItem, RowView, SessionInfo } from '../api/types.js';
import { SeverityBadge, StateBadge } from '../components/badges.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { ParamRow } from '../components/param-row.js';
import { TableSection } from '../components/table-section.js';
import { useActionRunner, type ActionRunner } from '../components/use-action-runner.js';
import { useDocumentTitle } from '../components/use-document-title.js';
import { actionAvailability } from '../logic/selection-rules.js';
import { hasRole } from '../logic/roles.js';
import { routeHash } from '../logic/route.js';
import { highestSeverityByElement } from '../logic/severity.js';
import { notify } from '../state/notices.js';
import { useElementCard, type CardData } from '../state/use-element-card.js';
import { ELEMENT_COMMANDS, commandApplies, type ElementCommand } from './element-commands.js';
import { StreamViewer } from './stream-viewer.js';
import { CARD_TABS } from './card-tabs.js';
import { WebInterfacePage } from './web-interface-page.js';

const STREAM_TAB = 'stream-viewer';

interface ElementCardViewProps {
  elementId: string;
  pageId?: string;
  /** What the active tab keeps in the route after its id. */
  rest?: string[];
  user: SessionInfo;
}

export function ElementCardView({ elementId, pageId, rest, user }: ElementCardViewProps) {
  const card = useElementCard(elementId);
  const tableRows = (tableId: string) => [...(card.tables.get(tableId)?.rows.values() ?? [])];
  const runner = useActionRunner(elementId, tableRows);
  useDocumentTitle(card.element?.name ?? '');

  if (card.error && !card.element) {
    return (
      <section class="page">
        <a class="back" href={routeHash({ view: 'elements' })}>
          ← Elements
        </a>
        <p class="form-error" role="alert">
          {card.error}
        </p>
      </section>
    );
  }
  const { element, connector } = card;
  if (!element) return <section class="page" aria-busy="true">Loading element…</section>;

  const pages = connector?.pages ?? [];
  const extraTabs = CARD_TABS.filter((tab) => hasRole(user.role, tab.minRole));
  const tabs = [
    ...pages.map((page) => ({ id: page.id, name: page.name })),
    ...extraTabs.map((tab) => ({ id: tab.id, name: tab.name })),
    { id: STREAM_TAB, name: 'Stream viewer' },
  ];
  const activeId = tabs.some((tab) => tab.id === pageId) ? pageId! : tabs[0].id;
  const activePage = pages.find((page) => page.id === activeId);
  const activeExtra = extraTabs.find((tab) => tab.id === activeId);

  return (
    <section class="page card" aria-labelledby="card-title">
      <CardHeader
        element={element}
        connectorName={connector ? `${connector.name} ${connector.version}` : element.connector}
        user={user}
        removed={card.removed}
        alarms={card.alarms}
      />
      <Tabs elementId={elementId} tabs={tabs} activeId={activeId} />
      <div class="tab-panel" role="tabpanel" id={`panel-${activeId}`} aria-labelledby={`tab-${activeId}`}>
        {activeId === STREAM_TAB ? (
          <StreamViewer elementId={elementId} />
        ) : activeExtra ? (
          activeExtra.render({ element, connector, card, user, path: rest ?? [] })
        ) : activePage?.webInterface ? (
          <WebInterfacePage element={element} />
        ) : activePage ? (
          <PageContent page={activePage} card={card} runner={runner} user={user} tableRows={tableRows} />
        ) : null}
      </div>
      {runner.dialog}
    </section>
  );
}

interface CardHeaderProps {
  element: ElementView;
  connectorName: string;
  user: SessionInfo;
  removed: boolean;
  alarms: Map<string, AlarmInfo> | null;
}

function CardHeader({ element, connectorName, user, removed, alarms }: CardHeaderProps) {
  const [confirming, setConfirming] = useState<ElementCommand | null>(null);
  const severity = alarms ? highestSeverityByElement(alarms.values()).get(element.id) : undefined;
  const run = async (command: ElementCommand) => {
    try {
      await command.run(element);
      notify('good', command.label, `${command.past}: ${element.name}`);
    } catch (error) {
      notify('bad', `${command.label} refused`, describeError(error));
    }
  };
  const canOperate = hasRole(user.role, 'operator');
  return (
    <header class="card-head">
      <div class="card-title-line">
        <a class="back" href={routeHash({ view: 'elements' })} aria-label="Back to elements">
          ←
        </a>
        <h1 id="card-title">{element.name}</h1>
        <StateBadge state={element.state} />
        {severity && (
          <span class="card-alarms" title="Highest active alarm">
            <SeverityBadge severity={severity} />
            <span class="count">
              {alarms!.size} active alarm{alarms!.size === 1 ? '' : 's'}
            </span>
          </span>
        )}
        {removed && <span class="badge badge-bad">Deleted</span>}
        <div class="toolbar">
          {canOperate &&
            ELEMENT_COMMANDS.filter((command) => commandApplies(command, element)).map((command) => (
              <button key={command.id} type="button" onClick={() => (command.confirm ? setConfirming(command) : void run(command))}>
                {command.label}
              </button>
            ))}
        </div>
      </div>
      <dl class="card-facts">
        <div>
          <dt>Connector</dt>
          <dd>{connectorName}</dd>
        </div>
        <div>
          <dt>Host</dt>
          <dd>
            {element.connection.host}:{element.connection.port}
            {element.connection.tls ? ' (TLS)' : ''}
          </dd>
        </div>
        {element.stateReason && element.state !== 'active' && (
          <div class="card-reason">
            <dt>Reason</dt>
            <dd>{element.stateReason}</dd>
          </div>
        )}
      </dl>
      {confirming && (
        <ConfirmDialog
          title={`${confirming.label} ${element.name}?`}
          text={confirming.confirm ?? ''}
          confirmLabel={confirming.label}
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            const command = confirming;
            setConfirming(null);
            void run(command);
          }}
        />
      )}
    </header>
  );
}

function Tabs({ elementId, tabs, activeId }: { elementId: string; tabs: { id: string; name: string }[]; activeId: string }) {
  const go = (id: string, focus: boolean) => {
    location.hash = routeHash({ view: 'element', elementId, pageId: id });
    if (focus) requestAnimationFrame(() => document.getElementById(`tab-${id}`)?.focus());
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const index = tabs.findIndex((tab) => tab.id === activeId);
    const target = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
    if (target === undefined) return;
    event.preventDefault();
    go(tabs[(target + tabs.length) % tabs.length].id, true);
  };
  return (
    <div class="tabs" role="tablist" aria-label="Pages" onKeyDown={onKeyDown}>
      {tabs.map((tab) => (
        <button
          key={tab.id}
          type="button"
          role="tab"
          id={`tab-${tab.id}`}
          aria-selected={tab.id === activeId ? 'true' : 'false'}
          aria-controls={`panel-${tab.id}`}
          tabIndex={tab.id === activeId ? 0 : -1}
          onClick={() => go(tab.id, false)}
        >
          {tab.name}
        </button>
      ))}
    </div>
  );
}

type Block = { kind: 'params'; ids: string[] } | { kind: 'actions'; ids: string[] } | { kind: 'table'; id: string };

/** Consecutive parameters share a panel and consecutive buttons a bar; tables stand alone. */
function blocksOf(items: PageItem[]): Block[] {
  const blocks: Block[] = [];
  for (const item of items) {
    const last = blocks[blocks.length - 1];
    if ('param' in item) {
      if (last?.kind === 'params') last.ids.push(item.param);
      else blocks.push({ kind: 'params', ids: [item.param] });
    } else if ('action' in item) {
      if (last?.kind === 'actions') last.ids.push(item.action);
      else blocks.push({ kind: 'actions', ids: [item.action] });
    } else {
      blocks.push({ kind: 'table', id: item.table });
    }
  }
  return blocks;
}

interface PageContentProps {
  page: PageDef;
  card: CardData;
  runner: ActionRunner;
  user: SessionInfo;
  tableRows: (tableId: string) => RowView[];
}

function PageContent({ page, card, runner, user, tableRows }: PageContentProps) {
  const connector = card.connector!;
  const element = card.element!;
  return (
    <div class="page-items">
      {blocksOf(page.items).map((block, index) => {
        if (block.kind === 'params') {
          return (
            <section key={index} class="panel param-panel" aria-label={`${page.name} parameters`}>
              {block.ids.map((id) => (
                <ParamRow
                  key={id}
                  elementId={element.id}
                  definition={connector.params.find((param) => param.id === id)}
                  view={card.params.get(id)}
                  tableRows={tableRows}
                  user={user}
                />
              ))}
            </section>
          );
        }
        if (block.kind === 'actions') {
          const actions = block.ids.map((id) => connector.actions.find((action) => action.id === id)).filter((a): a is ActionInfo => !!a);
          return (
            <div key={index} class="button-bar" role="group" aria-label={`${page.name} buttons`}>
              {actions.map((action) => (
                <ActionButton key={action.id} action={action} runner={runner} user={user} />
              ))}
            </div>
          );
        }
        const table = card.tables.get(block.id);
        if (!table) {
          return (
            <section key={index} class="panel">
              <p class="muted">Table {block.id} is not available.</p>
            </section>
          );
        }
        return (
          <TableSection
            key={block.id}
            elementId={element.id}
            table={table}
            actions={connector.actions.filter((action) => action.table === block.id || action.moreTables?.includes(block.id))}
            runner={runner}
            user={user}
          />
        );
      })}
    </div>
  );
}

function ActionButton({ action, runner, user }: { action: ActionInfo; runner: ActionRunner; user: SessionInfo }) {
  const availability = actionAvailability(action, 0, user.role);
  const waiting = runner.busy.has(action.id);
  return (
    <button
      type="button"
      class={action.destructive ? 'button-danger' : ''}
      disabled={!availability.enabled || waiting}
      title={availability.reason ?? action.description}
      onClick={() => runner.start(action, [])}
    >
      {waiting ? `${action.label}…` : action.label}
    </button>
  );
}
