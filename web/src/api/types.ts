/**
 * The JSON the UI receives, taken from the server's own types so a change there breaks
 * the UI build instead of the UI at run time. Only types cross this line, never code.
 */
import type { ActionDef, ConnectorDefinition, ParamDef, Role } from '../../../src/sdk/types.js';

export type {
  ActionInputDef,
  ChoiceSource,
  ColumnDef,
  Discrete,
  PageDef,
  PageItem,
  ParamType,
  Role,
  SelectionRule,
  TableDef,
  Value,
} from '../../../src/sdk/types.js';
export type {
  ElementView,
  LiveMessage,
  ParamView,
  RowView,
  StreamEntry,
  TableView,
} from '../../../src/runtime/views.js';
export type { ElementConnection, ElementState, OperatorState } from '../../../src/store/types.js';

/** A parameter definition as GET /api/connectors sends it (handlers do not travel). */
export type ParamInfo = Omit<ParamDef, 'onSet'>;
/** An action definition as GET /api/connectors sends it. */
export type ActionInfo = Omit<ActionDef, 'run'>;

/** A connector as GET /api/connectors sends it. */
export interface ConnectorInfo
  extends Pick<ConnectorDefinition, 'id' | 'name' | 'vendor' | 'version' | 'description' | 'connection' | 'tables' | 'pages'> {
  params: ParamInfo[];
  actions: ActionInfo[];
}

/** GET /api/session */
export interface SessionInfo {
  username: string;
  role: Role;
  csrfToken: string;
}

/** One alarm as GET /api/alarms and live `alarm` messages carry it. */
export interface AlarmInfo {
  id: string | number;
  elementId: string;
  paramId?: string;
  rowKey?: string | null;
  displayKey?: string | null;
  severity: string;
  value?: unknown;
  raisedAt?: number;
  clearedAt?: number | null;
  acknowledged?: boolean;
}
