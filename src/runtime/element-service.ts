/**
 * What the server (REST, WebSocket, CLI) may ask of the runtime. The runtime implements it
 * in `element-manager.ts`; the server depends only on this interface.
 *
 * Every method validates its input against the connector's definition and throws a
 * {@link TallyError} naming the field at fault; nothing changes when it throws.
 */
import type { ConnectorDefinition, Value } from '../sdk/index.js';
import type { ElementConnection, EventQuery, InfoEvent, OperatorState } from '../store/types.js';
import type { ElementView, ParamView, StreamEntry, TableView } from './views.js';

/** Who asks: recorded in information events and passed to action handlers. */
export interface Actor {
  user: string;
  role: 'viewer' | 'operator' | 'admin';
  /** Address the request came from, for the audit trail. */
  address?: string;
}

export interface CreateElementInput {
  name: string;
  connector: string;
  /** `host` may be a URL (`https://host`), which sets the scheme. Omitted fields take the connector's defaults. */
  connection: Partial<ElementConnection> & { host: string };
  /** Configuration and writable parameters, secrets included (sealed before storage). */
  params?: Record<string, Value>;
  pollIntervals?: Record<string, number>;
  /** Starts `active` unless told otherwise. */
  operatorState?: OperatorState;
}

export interface UpdateElementInput {
  name?: string;
  connection?: Partial<ElementConnection>;
  params?: Record<string, Value>;
  pollIntervals?: Record<string, number>;
}

export interface ActionInput {
  rows?: string[];
  inputs?: Record<string, Value>;
}

export interface ActionOutcome {
  ok: true;
  message: string;
}

export interface ElementService {
  connectors(): ConnectorDefinition[];
  connector(id: string): ConnectorDefinition;

  list(): ElementView[];
  get(id: string): ElementView;
  create(input: CreateElementInput, actor: Actor): Promise<ElementView>;
  update(id: string, input: UpdateElementInput, actor: Actor): Promise<ElementView>;
  remove(id: string, actor: Actor): Promise<void>;
  setOperatorState(id: string, state: OperatorState, actor: Actor): Promise<ElementView>;
  restart(id: string, actor: Actor): Promise<ElementView>;

  params(id: string): ParamView[];
  param(id: string, paramId: string): ParamView;
  setParam(id: string, paramId: string, value: Value, actor: Actor): Promise<ParamView>;
  table(id: string, tableId: string): TableView;
  runAction(id: string, actionId: string, input: ActionInput, actor: Actor): Promise<ActionOutcome>;
  stream(id: string): StreamEntry[];
  events(query: EventQuery): Promise<InfoEvent[]>;
}
