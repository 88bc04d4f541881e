/**
 * The JSON the UI receives, taken from the server's own types so a change there breaks
 * the UI build instead of the UI at run time. Only types cross this line, never code.
 */
import type { Alarm, AlarmChangeKind } from '../../../src/alarms/alarm.js';
import type { AlarmSeverity } from '../../../src/sdk/alarm-template.js';
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

/** One alarm as GET /api/alarms sends it; live `alarm` messages add what changed. */
export type AlarmInfo = Alarm & { change?: AlarmChangeKind; elementSeverity?: AlarmSeverity };
export type { AlarmChange, AlarmChangeKind } from '../../../src/alarms/alarm.js';
export type { AlarmSeverity } from '../../../src/sdk/alarm-template.js';

/** GET /api/elements/{id}/alarm-template: the element's own rules, or its connector's. */
export interface AlarmTemplateInfo {
  source: 'connector' | 'element';
  rules: unknown[];
}

/** A trend window: real-time points or 5-minute, hourly, daily rollups. */
export type TrendWindow = 'raw' | '5m' | '1h' | '1d';
export type RawPoint = { t: number; v: number };
export type RollupPoint = { t: number; avg: number; min: number; max: number; count: number };

/** GET /api/elements/{id}/trends/{paramId} */
export type TrendSeries = { elementId: string; paramId: string; row: string | null } & (
  | { window: 'raw'; points: RawPoint[] }
  | { window: Exclude<TrendWindow, 'raw'>; points: RollupPoint[] }
);
