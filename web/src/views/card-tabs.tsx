/**
 * Extra tabs of the element card, after the connector's pages and before the stream
 * viewer. A part of Tally with per-element screens (the alarm template, trends) adds an
 * entry here; nothing is listed that does not work.
 */
import type { ComponentChild } from 'preact';
import type { ConnectorInfo, ElementView, Role, SessionInfo } from '../api/types.js';
import { TRENDS_TAB } from '../logic/trend-target.js';
import type { CardData } from '../state/use-element-card.js';
import { AlarmTemplateTab } from './alarm-template-tab.js';
import { TrendsTab } from './trends-tab.js';

export interface CardTabContext {
  element: ElementView;
  connector: ConnectorInfo | null;
  /** The card's live parameters and tables. */
  card: CardData;
  user: SessionInfo;
  /** The route after the tab id: `#/elements/<id>/<tab>/…`. */
  path: string[];
}

export interface CardTab {
  /** Route segment of the tab: `#/elements/<id>/<id>`; must not clash with a page id. */
  id: string;
  name: string;
  minRole: Role;
  render: (context: CardTabContext) => ComponentChild;
}

export const CARD_TABS: CardTab[] = [
  { id: TRENDS_TAB, name: 'Trends', minRole: 'viewer', render: (context) => <TrendsTab {...context} /> },
  { id: 'alarm-template', name: 'Alarm template', minRole: 'viewer', render: (context) => <AlarmTemplateTab {...context} /> },
];
