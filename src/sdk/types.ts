/**
 * The connector SDK: everything a connector may see of Tally.
 *
 * A connector describes one kind of device as data (parameters, tables, pages, poll groups,
 * actions) plus handlers. Handlers never reach the store, the server or another element:
 * they receive an {@link ElementContext} and report values, rows and messages through it.
 */
import type { AlarmTemplate } from './alarm-template.js';

/** A value a parameter or a table cell can hold. Timestamps are epoch milliseconds. */
export type Value = string | number | boolean | null;

/** The types an operator knows: discrete = a value shown through a value→label list. */
export type ParamType = 'number' | 'string' | 'discrete' | 'boolean' | 'timestamp';

/** Access levels, lowest first. */
export type Role = 'viewer' | 'operator' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

/** One entry of a discrete parameter's value→label list. */
export interface Discrete {
  value: string | number | boolean;
  label: string;
}

/**
 * Where a choice list comes from: the rows of one of the element's tables.
 * @example { table: 'inputs', where: { connected: true } } // connected field units
 */
export interface ChoiceSource {
  table: string;
  /** Column whose cell is the chosen value; the row key when omitted. */
  valueColumn?: string;
  /** Column shown to the operator; the row's display key when omitted. */
  labelColumn?: string;
  /** Only rows whose cells equal these values. */
  where?: Record<string, Value>;
}

interface ValueShape {
  /** Stable id used by the API, alarms and trends. camelCase. */
  id: string;
  /** Name shown to operators. */
  name: string;
  description?: string;
  type: ParamType;
  unit?: string;
  /** Digits after the decimal point when displayed. */
  decimals?: number;
  /** Accepted range for writes and the natural range for display. */
  range?: { min?: number; max?: number };
  /** For `discrete`: the value→label list. */
  discretes?: Discrete[];
  /** Keep real-time points and rollups of this numeric value. */
  trend?: boolean;
  /**
   * Changes at nearly every poll (bitrates, round-trip times, counters): its last value is
   * persisted at most once per deferred interval (a minute by default) instead of at once —
   * a restart shows it at most that old, stale until re-polled. Live updates, alarms and
   * trends are not affected. Not for configuration, secret or writable parameters: what an
   * operator sets is stored at once.
   */
  volatile?: boolean;
}

/** A handler context for a parameter set, and the value the operator asked for. */
export type SetHandler = (ctx: ElementContext, value: Value) => Promise<void | string>;

/** A single parameter of an element. */
export interface ParamDef extends ValueShape {
  /** An operator may set it (PUT …/params/{id}). Secrets are always writable. */
  writable?: boolean;
  /** Write-only: never returned by the API, encrypted at rest, masked in the stream viewer. */
  secret?: boolean;
  /**
   * Part of the element's configuration (asked for in the new-element form). Changing it
   * re-initialises the element: an element in `error` leaves it and polls again.
   */
  config?: boolean;
  /** The element cannot run without it; the form marks it required. */
  required?: boolean;
  /** Value before anything is set or polled. */
  default?: Value;
  /** For writable strings: offer a choice among the rows of a table. */
  choices?: ChoiceSource;
  /** Runs when an operator sets the value; without it the value is simply kept. */
  onSet?: SetHandler;
}

/** A column of a table: a value shape, indexed by row. */
export interface ColumnDef extends ValueShape {
  /**
   * Kept and served by the API, but not shown in the operator's table: columns that exist for
   * the connector's own actions (which input feeds an output, which kind of output it is).
   */
  hidden?: boolean;
}

/** A table: rows keyed by a unique string, named by their display key. */
export interface TableDef {
  id: string;
  name: string;
  description?: string;
  /** Column whose cell is the row's readable name (alarms and trends use it). */
  displayColumn: string;
  columns: ColumnDef[];
}

/** One thing laid out on a page, in order. */
export type PageItem = { param: string } | { table: string } | { action: string };

/** A page of the element card. The first page is the General page. */
export interface PageDef {
  id: string;
  name: string;
  items: PageItem[];
  /** This page opens the device's own web interface (the element's base URL). */
  webInterface?: boolean;
}

/** A poll group: a handler the runtime runs at an interval. */
export interface PollGroupDef {
  id: string;
  name?: string;
  /** Default interval in milliseconds; an element may override it. */
  interval: number;
  /**
   * Only polled while this holds (evaluated when the group falls due).
   * @example (ctx) => ctx.param('pollSwitchoverStatusFlag') === true
   */
  activeWhen?: (ctx: ElementContext) => boolean;
  run: (ctx: ElementContext) => Promise<void>;
}

/** A value an action asks the operator for before it runs. */
export interface ActionInputDef {
  id: string;
  name: string;
  type: ParamType;
  required?: boolean;
  discretes?: Discrete[];
  choices?: ChoiceSource;
  /** Pre-filled from this column of the (first) selected row. */
  defaultFromColumn?: string;
  default?: Value;
  range?: { min?: number; max?: number };
}

/** Which rows an action needs selected: none (a button), exactly one, or one or more. */
export type SelectionRule = 'none' | 'single' | 'multiple';

/** What an action's handler receives besides the context. */
export interface ActionRequest {
  /** The selected rows, as they are now (empty for buttons). */
  rows: Row[];
  /** The dependency inputs, validated and with defaults applied. */
  inputs: Record<string, Value>;
  /** Who asked, for messages and the device's own logs. */
  user: string;
}

/** A button (no table) or a table context-menu item. */
export interface ActionDef {
  id: string;
  label: string;
  description?: string;
  /** The table whose context menu offers it; a button when omitted. */
  table?: string;
  /**
   * Further tables whose context menus offer the same action (one action id, several
   * tables of the same kind). Row keys must be unique across `table` and these tables.
   * @example { id: 'playStream', table: 'sdiOutputs', moreTables: ['ndiOutputs', 'ipOutputs'] }
   */
  moreTables?: string[];
  selection: SelectionRule;
  /** Asked before running; destructive actions always ask. */
  confirm?: string;
  destructive?: boolean;
  inputs?: ActionInputDef[];
  /** Milliseconds before the action is abandoned (default 15 s). */
  timeout?: number;
  /** Lowest role allowed to run it (default operator). */
  minRole?: Role;
  /** Returns the message shown to the operator. Throw {@link ActionRefusedError} to refuse. */
  run: (ctx: ElementContext, request: ActionRequest) => Promise<string | void>;
}

/** Connection defaults of a connector; an element may override each. */
export interface ConnectionDefaults {
  scheme: 'http' | 'https';
  port: number;
  /** `ByPassProxy` talks to the device directly; anything else uses the system proxy. */
  deviceAddress?: string;
  /** Per-request timeout, ms. */
  requestTimeout?: number;
  /** How long the device may fail before the element goes to `timeout`, ms. */
  elementTimeout?: number;
  /** Retries of a failed idempotent request before the poll counts as failed. */
  retries?: number;
}

/** The whole description of a connector. */
export interface ConnectorDefinition {
  id: string;
  name: string;
  vendor: string;
  /** A.B.C.D */
  version: string;
  description?: string;
  connection: ConnectionDefaults;
  params: ParamDef[];
  tables: TableDef[];
  pages: PageDef[];
  polls: PollGroupDef[];
  actions: ActionDef[];
  /**
   * Runs before the first poll and after every configuration change: the place to refuse
   * to run (throw {@link ConfigError}, e.g. "API key not set").
   */
  init?: (ctx: ElementContext) => Promise<void>;
  /** Starts this connector's device simulator (for `tally sim` and `tally demo`). */
  simulator?: () => Promise<SimulatorModule>;
  /** Default alarm monitoring of this connector's elements (each element may override it). */
  alarmTemplate?: AlarmTemplate;
}

/** A running simulator started by `tally sim` or `tally demo`. */
export interface RunningSimulator {
  /** Base URL, e.g. http://127.0.0.1:8893 */
  url: string;
  port: number;
  /** Element settings that reach this simulator: connection and configuration params. */
  elementTemplate: { connection: Record<string, unknown>; params: Record<string, Value> };
  close(): Promise<void>;
}

export interface SimulatorModule {
  start(options: SimulatorOptions): Promise<RunningSimulator>;
}

export interface SimulatorOptions {
  host?: string;
  port?: number;
  tls?: boolean;
  seed?: number;
  /** Anything connector-specific (api key, username, counts…), from CLI flags. */
  [option: string]: unknown;
}

/** One table row as a connector reports it. */
export interface Row {
  key: string;
  cells: Record<string, Value>;
}

/** Options of one device request. */
export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Added to the path's query string; null/undefined entries are skipped. */
  query?: Record<string, string | number | boolean | null | undefined>;
  headers?: Record<string, string>;
  /** Sent as JSON when an object, as is when a string. */
  body?: unknown;
  /** Overrides the element's request timeout, ms. */
  timeout?: number;
  /** Retry on network errors, 5xx and 429 (default: true for GET, false otherwise). */
  retry?: boolean;
  /** Statuses that are answers, not failures (default: 2xx only). */
  accept?: (status: number) => boolean;
}

/** A device answer. */
export interface HttpResponse {
  status: number;
  /** e.g. "200 OK" */
  statusLine: string;
  headers: Record<string, string>;
  /** The answer's bytes as read. */
  body: Uint8Array;
  /** The body decoded as UTF-8, on first use: an answer found unchanged by {@link ElementContext.reportIfChanged} never is. */
  readonly text: string;
  /** Parses `text` as JSON whatever the content type says; throws {@link DeviceProtocolError}. */
  json<T = unknown>(): T;
}

/** An HTTP session bound to the element's connection (base URL, TLS, proxy, timeouts). */
export interface HttpSession {
  readonly baseUrl: string;
  request(path: string, options?: RequestOptions): Promise<HttpResponse>;
  get(path: string, options?: Omit<RequestOptions, 'method'>): Promise<HttpResponse>;
  post(path: string, body?: unknown, options?: Omit<RequestOptions, 'method' | 'body'>): Promise<HttpResponse>;
  /** Masks this string wherever it appears in the stream viewer (tokens obtained at run time). */
  maskSecret(secret: string): void;
  /** Status line of the latest answer ("200 OK", "401 Unauthorized"), or the network error. */
  readonly lastStatus: string | null;
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface Clock {
  /** Epoch milliseconds (fake in tests). */
  now(): number;
}

/** What a handler may see and do. One context per element. */
export interface ElementContext {
  readonly element: {
    id: string;
    name: string;
    /** e.g. https://host:443 — also the Web Interface page's address. */
    baseUrl: string;
    host: string;
    port: number;
  };
  readonly http: HttpSession;
  readonly log: Logger;
  readonly clock: Clock;
  /** Current value of a parameter, secrets included (decrypted). */
  param(id: string): Value;
  /** Current rows of a table. */
  rows(tableId: string): Row[];
  row(tableId: string, key: string): Row | undefined;
  /** Reports parameter values; only changes are stored and pushed. */
  setParams(values: Record<string, Value>): void;
  /** Replaces a table: rows not given are removed. */
  fillTable(tableId: string, rows: Row[]): void;
  /** Adds or updates the given rows, leaving the others. */
  upsertRows(tableId: string, rows: Row[]): void;
  /**
   * Changes only the given cells of rows the table already has (a key without a row is
   * skipped): for a poll that refreshes a few columns of rows another poll fills.
   */
  patchRows(tableId: string, patches: Row[]): void;
  /** Puts a poll group at the front of the queue (e.g. refresh outputs after Play Stream). */
  pollNow(groupId: string): void;
  /**
   * Runs `report` (parse `answer`, report what it says) unless `answer` is, byte for byte,
   * the one last reported under `key` and nothing but the element's polls has
   * touched its values since (an operator's set or action, init, a failed poll, a pause or
   * restart all make every answer count as new). Skipping is then safe, because reporting
   * the same answer again would change nothing — provided `report` depends only on
   * `answer` and on values it carries over unchanged (as Haivision's inputs poll keeps the
   * link statistics another poll wrote). An answer counts as reported once `report`
   * returns without throwing.
   */
  reportIfChanged(key: string, answer: HttpResponse | string, report: () => void): void;
  /** Per-element memory that lives as long as the element runs (tokens, caches). */
  readonly scratch: Map<string, unknown>;
}

/** Thrown to put the element in `error` until its configuration changes. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Thrown by an action or a set to refuse it: the operator sees the message. */
export class ActionRefusedError extends Error {
  override readonly name = 'ActionRefusedError';
  constructor(
    message: string,
    /** HTTP status the API answers with: 409 conflict, 422 refused, 404 missing. */
    readonly status: 404 | 409 | 422 = 422,
    /** The input or parameter at fault. */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The device answered, but not as the protocol says (bad JSON, error body, odd shape). */
export class DeviceProtocolError extends Error {
  override readonly name = 'DeviceProtocolError';
}

/** The device answered with a status that is not an answer (4xx/5xx not accepted). */
export class DeviceHttpError extends Error {
  override readonly name = 'DeviceHttpError';
  constructor(
    readonly status: number,
    readonly statusLine: string,
    readonly body: string,
  ) {
    super(`device answered ${statusLine}`);
  }
}
