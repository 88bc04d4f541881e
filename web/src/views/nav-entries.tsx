/**
 * Top-level views besides Elements. A part of Tally that brings its own screen (the alarm
 * console, trends, the audit trail) adds an entry here and a view module beside this file;
 * the navigation and the router pick it up. Nothing is listed that does not work.
 */
import type { ComponentChild } from 'preact';
import type { Role, SessionInfo } from '../api/types.js';
import { AlarmConsoleView } from './alarm-console-view.js';

export interface NavEntry {
  /** First segment of the hash route: `#/<segment>/…`. */
  segment: string;
  label: string;
  /** Lowest role that sees the entry. */
  minRole: Role;
  /** Renders the view; `path` is the rest of the route after the segment. */
  render: (path: string[], user: SessionInfo) => ComponentChild;
}

export const NAV_ENTRIES: NavEntry[] = [
  { segment: 'alarms', label: 'Alarms', minRole: 'viewer', render: (path, user) => <AlarmConsoleView path={path} user={user} /> },
];
