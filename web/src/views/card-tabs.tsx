/**
 * Extra tabs of the element card, after the connector's pages and before the stream
 * viewer. A part of Tally with per-element screens (the alarm template, trends) adds an
 * entry here; nothing is listed that does not work.
 */
import type { ComponentChild } from 'preact';
import type { ConnectorInfo, ElementView, Role, SessionInfo } from '../api/types.js';
import type { CardData } from '../state/use-element-card.js';

export interface CardTabContext {
  element: ElementView;
  connector: ConnectorInfo | null;
  /** The card's live parameters and tables. */
  card: CardData;
  user: SessionInfo;
}

export interface CardTab {
  /** Route segment of the tab: `#/elements/<id>/<id>`; must not clash with a page id. */
  id: string;
  name: string;
  minRole: Role;
  render: (context: CardTabContext) => ComponentChild;
}

export const CARD_TABS: CardTab[] = [];
