/**
 * What the runtime shows the outside world (API, live updates, UI). Secrets never appear
 * in these shapes: a secret parameter's value is always null and `isSet` says whether it
 * has one.
 */
import type { ColumnDef, Discrete, ParamType, Value } from '../sdk/index.js';
import type { ElementConnection, ElementState, InfoEvent, OperatorState } from '../store/types.js';

export interface ElementView {
  id: string;
  name: string;
  connector: string;
  connection: ElementConnection;
  state: ElementState;
  stateReason: string;
  operatorState: OperatorState;
  pollIntervals: Record<string, number>;
  /** Base URL of the device, also the Web Interface page's address. */
  baseUrl: string;
  createdAt: number;
  updatedAt: number;
}

export interface ParamView {
  id: string;
  name: string;
  type: ParamType;
  value: Value;
  /** The value as an operator reads it: discrete label, unit, decimals. */
  display: string;
  unit: string | null;
  writable: boolean;
  secret: boolean;
  isSet: boolean;
  /** Not live: the element is in timeout, or nothing was polled since Tally started. */
  stale: boolean;
  updatedAt: number | null;
}

export interface RowView {
  key: string;
  displayKey: string;
  /**
   * The value cache's own cells, changed in place by the row's next change: a bus subscriber
   * reads them during delivery (delivery is synchronous) or copies what it keeps.
   */
  cells: Record<string, Value>;
  stale: boolean;
  updatedAt: number;
}

export interface TableView {
  id: string;
  name: string;
  displayColumn: string;
  columns: (ColumnDef & { discretes?: Discrete[] })[];
  rows: RowView[];
}

/** One request/response pair kept by the stream viewer (bounded, secrets masked). */
export interface StreamEntry {
  time: number;
  method: string;
  /** URL with secrets masked. */
  url: string;
  requestHeaders: Record<string, string>;
  requestBody: string | null;
  status: number | null;
  statusLine: string;
  responseHeaders: Record<string, string>;
  /** Truncated, secrets masked. */
  responseBody: string | null;
  durationMs: number;
  error: string | null;
}

/** A change pushed to live subscribers. */
export type LiveMessage =
  | { type: 'element'; element: ElementView }
  | { type: 'element-removed'; elementId: string }
  | { type: 'params'; elementId: string; params: ParamView[] }
  | { type: 'rows'; elementId: string; tableId: string; rows: RowView[]; removed: string[] }
  | { type: 'event'; event: InfoEvent }
  | { type: 'alarm'; alarm: Record<string, unknown> };
