/**
 * The store: one interface, so the embedded SQLite default and a clustered database later
 * can serve the runtime and the server alike. Every method is async for that reason, even
 * where SQLite answers at once. The runtime keeps current values in memory and hands the
 * store only what changed, in batches (see {@link ValueBatch}).
 */
import type { Value } from '../sdk/index.js';

export type OperatorState = 'active' | 'paused' | 'stopped';
export type ElementState = 'initialising' | 'active' | 'paused' | 'stopped' | 'timeout' | 'error';

/** Connection settings of one element, after the connector's defaults are applied. */
export interface ElementConnection {
  host: string;
  port: number;
  tls: boolean;
  skipTlsVerify: boolean;
  /** `ByPassProxy` skips the system proxy. */
  deviceAddress: string;
  /** Per-request timeout, ms. */
  requestTimeout: number;
  /** How long the device may fail before the element goes to `timeout`, ms. */
  elementTimeout: number;
  retries: number;
}

/** What is kept of an element's configuration. */
export interface ElementRecord {
  id: string;
  name: string;
  connector: string;
  connection: ElementConnection;
  /** Operator-set values of non-secret configuration parameters. */
  config: Record<string, Value>;
  /** Secret parameter values, each sealed by the secret box (never plain text). */
  sealedSecrets: Record<string, string>;
  /** Poll group id → interval in ms, where the element overrides the connector. */
  pollIntervals: Record<string, number>;
  operatorState: OperatorState;
  createdAt: number;
  updatedAt: number;
}

/** The last value of a parameter. */
export interface StoredParam {
  elementId: string;
  paramId: string;
  value: Value;
  updatedAt: number;
}

/** The last cells of a table row. */
export interface StoredRow {
  elementId: string;
  tableId: string;
  key: string;
  displayKey: string;
  cells: Record<string, Value>;
  updatedAt: number;
}

/** An information event: a parameter set, a state change, an action, with user and time. */
export interface InfoEvent {
  id?: number;
  time: number;
  elementId: string | null;
  kind: 'state' | 'set' | 'action' | 'config' | 'info';
  user: string | null;
  message: string;
  /** Structured details (secrets already redacted). */
  details?: Record<string, unknown>;
}

/** What one flush writes in one transaction. */
export interface ValueBatch {
  params: StoredParam[];
  rows: StoredRow[];
  deletedRows: { elementId: string; tableId: string; key: string }[];
  events: InfoEvent[];
}

export interface EventQuery {
  elementId?: string;
  from?: number;
  to?: number;
  kind?: InfoEvent['kind'];
  limit?: number;
}

export interface Store {
  /** Creates or upgrades the schema; safe to call on every start. */
  migrate(): Promise<void>;

  listElements(): Promise<ElementRecord[]>;
  getElement(id: string): Promise<ElementRecord | undefined>;
  /** Inserts or replaces the element's configuration. */
  saveElement(element: ElementRecord): Promise<void>;
  /** Removes the element with its values and rows (its events stay: they are history). */
  deleteElement(id: string): Promise<void>;

  /** Last known values of one element, loaded at start (shown stale until polled). */
  loadValues(elementId: string): Promise<{ params: StoredParam[]; rows: StoredRow[] }>;
  /** Writes a batch atomically. */
  writeBatch(batch: ValueBatch): Promise<void>;

  listEvents(query: EventQuery): Promise<InfoEvent[]>;

  /** A small key/value space for platform settings (first admin token hash, key check…). */
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;

  close(): Promise<void>;
}
