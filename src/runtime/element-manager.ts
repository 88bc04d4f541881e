/**
 * The element runtime behind {@link ElementService}: loads elements and their last values
 * from the store, runs one supervisor per element on a shared scheduler, concurrency limit
 * and HTTP pools, and answers the server's requests with full validation.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { ROLES, type Clock, type ConnectorDefinition, type ElementContext, type Value } from '../sdk/index.js';
import type { ElementRecord, EventQuery, InfoEvent, OperatorState, Store } from '../store/types.js';
import { BatchingWriter } from '../store/batching-writer.js';
import type { LiveBus } from '../live/live-bus.js';
import type { SecretBox } from '../security/secret-box.js';
import { notFound, TallyError } from '../errors.js';
import type { RuntimeMetrics } from '../metrics/runtime-metrics.js';
import type { ConnectorRegistry } from './connector-registry.js';
import type {
  ActionInput,
  ActionOutcome,
  Actor,
  CreateElementInput,
  ElementService,
  UpdateElementInput,
} from './element-service.js';
import type { ElementView, ParamView, StreamEntry, TableView } from './views.js';
import { buildActionRequest, choiceValues } from './action-request.js';
import { AdaptiveConcurrency, ceilingFor, type LimitBounds, type LimitChange } from './adaptive-concurrency.js';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { defaultConnection, mergeConnection } from './element-connection.js';
import {
  checkName,
  checkObject,
  checkOperatorState,
  checkParams,
  checkPollIntervals,
  checkSecret,
  findParam,
  type CheckedParams,
} from './element-input.js';
import { ElementSupervisor, type SupervisorDeps } from './element-supervisor.js';
import { toTallyError } from './handler-errors.js';
import { HttpDispatchers } from './http-dispatchers.js';
import { HttpThreads } from './http-threads.js';
import { recordEvent } from './info-events.js';
import { Scheduler } from './scheduler.js';
import { MASK } from './secret-masker.js';
import { isSettable } from './value-cache.js';
import { coerceValue, displayValue } from './value-rules.js';

export const DEFAULT_CONCURRENCY = 64;
export const DEFAULT_ACTION_TIMEOUT = 15_000;
export const DEFAULT_POLL_SPREAD = 0.9;

export interface ElementManagerOptions {
  registry: ConnectorRegistry;
  store: Store;
  bus: LiveBus;
  secrets: SecretBox;
  logger?: pino.Logger;
  /**
   * Items of device work (poll group runs, operator actions) running at once, process-wide
   * (default 64), while polls keep up; more while they fall behind (adaptive-concurrency.ts).
   */
  concurrency?: number;
  /** The most the limit may rise to (default 16 times `concurrency`, at most 2048); `concurrency` keeps it fixed. */
  maxConcurrency?: number;
  /** The machine's idle share of CPU since the last call, 0..1 (tests; read from the OS by default). */
  machineIdle?: () => number;
  /** Share a writer with other parts; by default the manager owns one. */
  writer?: BatchingWriter;
  /** Time source (tests); Date.now by default. */
  clock?: Clock;
  /**
   * Up to this fraction of an interval (0..0.9, default 0.9) the round after an all-at-once
   * poll may come early, at random, so elements started together spread their load.
   */
  pollSpread?: number;
  /** Where poll, request, queue and store-flush figures go (`/metrics`). */
  metrics?: RuntimeMetrics;
  /** Proxy environment (HTTP(S)_PROXY, NO_PROXY); process.env by default. */
  env?: Record<string, string | undefined>;
  /** Worker threads that make the HTTP exchanges (see http-threads.ts); 0, the default, makes them on the event loop. */
  httpThreads?: number;
}

const CREATE_FIELDS = ['name', 'connector', 'connection', 'params', 'pollIntervals', 'operatorState'] as const;
const UPDATE_FIELDS = ['name', 'connection', 'params', 'pollIntervals'] as const;

export class ElementManager implements ElementService {
  private readonly supervisors = new Map<string, ElementSupervisor>();
  private readonly registry: ConnectorRegistry;
  private readonly store: Store;
  private readonly secretBox: SecretBox;
  private readonly writer: BatchingWriter;
  private readonly ownsWriter: boolean;
  private readonly clock: Clock;
  private readonly logger: pino.Logger;
  private readonly deps: SupervisorDeps;
  private readonly scheduler: Scheduler;
  private readonly dispatchers: HttpDispatchers;
  private readonly httpThreads: number;
  private readonly adaptiveConcurrency: AdaptiveConcurrency;
  private readonly concurrencyBounds: LimitBounds;

  constructor(options: ElementManagerOptions) {
    this.registry = options.registry;
    this.store = options.store;
    this.secretBox = options.secrets;
    this.clock = options.clock ?? { now: () => Date.now() };
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.ownsWriter = !options.writer;
    const metrics = options.metrics;
    this.writer =
      options.writer ??
      new BatchingWriter(options.store, {
        logger: this.logger,
        onFlush: metrics && ((durationMs, rows) => metrics.observeStoreFlush('values', durationMs, rows)),
      });
    this.scheduler = new Scheduler(() => this.clock.now());
    this.httpThreads = options.httpThreads ?? 0;
    this.dispatchers = new HttpDispatchers(options.env, this.httpThreads ? new HttpThreads(this.httpThreads) : undefined);
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    const limiter = new ConcurrencyLimiter(concurrency, () => this.clock.now());
    this.concurrencyBounds = { base: concurrency, max: Math.max(concurrency, options.maxConcurrency ?? ceilingFor(concurrency)) };
    this.adaptiveConcurrency = new AdaptiveConcurrency(limiter, this.concurrencyBounds, (change) => this.limitMoved(change), {
      machineIdle: options.machineIdle,
    });
    this.deps = {
      scheduler: this.scheduler,
      limiter,
      dispatchers: this.dispatchers,
      writer: this.writer,
      bus: options.bus,
      logger: this.logger,
      clock: this.clock,
      pollSpread: Math.min(0.9, Math.max(0, options.pollSpread ?? DEFAULT_POLL_SPREAD)),
      queueTally: { queued: 0 },
      metrics,
    };
  }

  /** Loads every element and its last values (stale until polled) and starts polling. */
  async start(): Promise<void> {
    for (const record of await this.store.listElements()) {
      const { params, rows } = await this.store.loadValues(record.id);
      const supervisor = this.addSupervisor(record);
      supervisor.values.load(params, rows);
      if (supervisor.state !== 'error') supervisor.start();
    }
    this.logger.info(
      {
        elements: this.supervisors.size,
        pollConcurrency: this.deps.limiter.limit,
        pollConcurrencyMax: this.concurrencyBounds.max,
        httpThreads: this.httpThreads,
      },
      'element runtime started',
    );
    this.deps.metrics?.setPollConcurrency(this.deps.limiter.limit);
    this.adaptiveConcurrency.start();
  }

  private limitMoved({ from, to, reading }: LimitChange): void {
    const { base } = this.concurrencyBounds;
    this.deps.metrics?.setPollConcurrency(to);
    // Leaving the configured limit and coming back to it are what an operator wants to know;
    // the steps in between are for debugging.
    const level = from === base || to === base ? 'info' : 'debug';
    const message = to > from ? 'polls falling behind: more polls at once' : 'polls keeping up: fewer polls at once';
    const { oldestWaitMs, missedRounds, averageInUse, eventLoopUtilization, machineIdle } = reading;
    this.logger[level](
      {
        from,
        to,
        oldestWaitMs: Math.round(oldestWaitMs),
        missedRounds,
        averageInUse: Math.round(averageInUse),
        eventLoopBusy: Math.round(eventLoopUtilization * 100) / 100,
        machineIdle: Math.round(machineIdle * 100) / 100,
      },
      message,
    );
  }

  /** Stops every element and writes what is still queued. */
  async stop(): Promise<void> {
    this.adaptiveConcurrency.stop();
    for (const supervisor of this.supervisors.values()) supervisor.shutdown('Tally is stopping');
    this.scheduler.stop();
    if (this.ownsWriter) await this.writer.close();
    else await this.writer.flushAll();
    await this.dispatchers.close();
  }

  connectors(): ConnectorDefinition[] {
    return this.registry.list();
  }

  connector(id: string): ConnectorDefinition {
    return this.registry.get(id);
  }

  list(): ElementView[] {
    return [...this.supervisors.values()].map((supervisor) => supervisor.view());
  }

  get(id: string): ElementView {
    return this.supervisor(id).view();
  }

  async create(input: CreateElementInput, actor: Actor): Promise<ElementView> {
    const given = checkObject(input, 'body', CREATE_FIELDS);
    const name = checkName(given.name);
    if (typeof given.connector !== 'string' || !this.registry.has(given.connector)) {
      throw new TallyError('VALIDATION', `no connector "${String(given.connector)}" is installed`, 'connector');
    }
    const definition = this.registry.get(given.connector);
    const connection = mergeConnection(defaultConnection(definition), (given.connection ?? {}) as Record<string, unknown>);
    const params = checkParams(definition, given.params);
    const pollIntervals = checkPollIntervals(definition, given.pollIntervals);
    const operatorState = given.operatorState === undefined ? 'active' : checkOperatorState(given.operatorState, 'operatorState');
    const now = this.clock.now();
    const secrets = mergeSecrets({}, params.secrets);
    const record: ElementRecord = {
      id: randomUUID(),
      name,
      connector: definition.id,
      connection,
      config: params.config,
      sealedSecrets: this.seal(secrets),
      pollIntervals,
      operatorState,
      createdAt: now,
      updatedAt: now,
    };
    await this.store.saveElement(record);
    const supervisor = this.addSupervisor(record, secrets);
    supervisor.setOperatorValues(params.values, now);
    supervisor.recordEvent('config', actor.user, `Created by ${actor.user}`, { connector: definition.id, name });
    supervisor.start();
    return supervisor.view();
  }

  async update(id: string, input: UpdateElementInput, actor: Actor): Promise<ElementView> {
    const supervisor = this.supervisor(id);
    const definition = supervisor.definition;
    const given = checkObject(input, 'body', UPDATE_FIELDS);
    const record = supervisor.record;
    const next: ElementRecord = { ...record, updatedAt: this.clock.now() };
    const changed: string[] = [];
    if (given.name !== undefined) {
      next.name = checkName(given.name);
      if (next.name !== record.name) changed.push('name');
    }
    let connectionChanged = false;
    if (given.connection !== undefined) {
      next.connection = mergeConnection(record.connection, given.connection as Record<string, unknown>);
      connectionChanged = JSON.stringify(next.connection) !== JSON.stringify(record.connection);
      if (connectionChanged) changed.push('connection');
    }
    let params: CheckedParams = { config: {}, secrets: {}, values: {} };
    if (given.params !== undefined) params = checkParams(definition, given.params);
    if (given.pollIntervals !== undefined) {
      next.pollIntervals = checkPollIntervals(definition, given.pollIntervals, record.pollIntervals);
      changed.push('pollIntervals');
    }
    const configChanged = Object.entries(params.config).filter(([paramId, value]) => record.config[paramId] !== value);
    for (const [paramId, value] of configChanged) {
      next.config = { ...next.config, [paramId]: value };
      changed.push(`params.${paramId}`);
    }
    const secrets = this.currentSecrets(supervisor);
    const secretIds = Object.keys(params.secrets).filter((paramId) => (secrets[paramId] ?? null) !== params.secrets[paramId]);
    const nextSecrets = mergeSecrets(secrets, params.secrets);
    if (secretIds.length > 0) next.sealedSecrets = this.seal(nextSecrets);
    changed.push(...secretIds.map((paramId) => `params.${paramId}`), ...Object.keys(params.values).map((paramId) => `params.${paramId}`));

    await this.store.saveElement(next);
    // Re-applying the configuration of an element in error is the way to retry it.
    const retryError = supervisor.state === 'error' && (given.params !== undefined || given.connection !== undefined);
    const reinitialise = connectionChanged || configChanged.length > 0 || secretIds.length > 0 || retryError;
    supervisor.reconfigure(next, nextSecrets, reinitialise, actor.user);
    supervisor.setOperatorValues(params.values, next.updatedAt);
    supervisor.recordEvent('config', actor.user, `Reconfigured by ${actor.user}`, { changed });
    return supervisor.view();
  }

  async remove(id: string, actor: Actor): Promise<void> {
    const supervisor = this.supervisor(id);
    supervisor.shutdown('the element was deleted');
    this.supervisors.delete(id);
    this.writer.forgetElement(id);
    await this.store.deleteElement(id);
    recordEvent(this.deps, {
      time: this.clock.now(),
      elementId: id,
      kind: 'config',
      user: actor.user,
      message: `Deleted by ${actor.user}`,
      details: { name: supervisor.record.name },
    });
    this.deps.bus.publish({ type: 'element-removed', elementId: id });
  }

  async setOperatorState(id: string, state: OperatorState, actor: Actor): Promise<ElementView> {
    const supervisor = this.supervisor(id);
    const next = checkOperatorState(state, 'state');
    if (next === supervisor.record.operatorState) return supervisor.view();
    const saved: ElementRecord = { ...supervisor.record, operatorState: next, updatedAt: this.clock.now() };
    await this.store.saveElement(saved);
    supervisor.record = saved;
    supervisor.setOperatorState(next, actor.user);
    return supervisor.view();
  }

  async restart(id: string, actor: Actor): Promise<ElementView> {
    const supervisor = this.supervisor(id);
    supervisor.restart(actor.user);
    return supervisor.view();
  }

  params(id: string): ParamView[] {
    return this.supervisor(id).values.paramViews();
  }

  param(id: string, paramId: string): ParamView {
    const view = this.supervisor(id).values.paramView(paramId);
    if (!view) throw notFound('parameter', paramId, 'paramId');
    return view;
  }

  async setParam(id: string, paramId: string, value: Value, actor: Actor): Promise<ParamView> {
    const supervisor = this.supervisor(id);
    const def = findParam(supervisor.definition, paramId);
    if (!def) throw notFound('parameter', paramId, 'paramId');
    if (!isSettable(def)) throw new TallyError('REFUSED', `parameter ${def.name} is read-only`, 'paramId');
    const configuration = Boolean(def.config || def.secret);
    const given = def.secret ? checkSecret(def, value, 'value') : coerceValue(def, value, 'value');
    // An empty choice is no choice: the operator clears it (e.g. "switch over to the standby").
    const coerced = def.choices && given === '' ? null : given;
    if (def.choices && coerced !== null && !choiceValues(def.choices, supervisor.values).includes(coerced)) {
      throw new TallyError('REFUSED', `${def.name} "${String(coerced)}" is not one of the available choices`, 'value');
    }
    if (!configuration && supervisor.state === 'timeout') {
      throw new TallyError('CONFLICT', `sets are refused while the element is in timeout: ${supervisor.stateReason}`);
    }
    let message: string | undefined;
    const onSet = def.onSet;
    if (onSet && (!configuration || supervisor.state === 'active')) {
      if (supervisor.state !== 'active' && supervisor.state !== 'paused') throw notRunning(supervisor);
      message = (await this.runHandler(supervisor, `set ${def.name}`, DEFAULT_ACTION_TIMEOUT, (ctx) => onSet(ctx, coerced))) ?? undefined;
    }
    const now = this.clock.now();
    if (configuration) {
      const next: ElementRecord = { ...supervisor.record, updatedAt: now };
      let secrets = this.currentSecrets(supervisor);
      if (def.secret) {
        secrets = mergeSecrets(secrets, { [def.id]: coerced as string | null });
        next.sealedSecrets = this.seal(secrets);
      } else {
        next.config = { ...next.config, [def.id]: coerced };
      }
      await this.store.saveElement(next);
      supervisor.reconfigure(next, secrets, true, actor.user);
    } else {
      supervisor.setOperatorValues({ [def.id]: coerced }, now);
    }
    const display = def.secret ? MASK : displayValue(def, coerced);
    supervisor.recordEvent('set', actor.user, `Set by ${actor.user} to ${display}`, {
      param: def.id,
      value: def.secret ? MASK : coerced,
      ...(message ? { message } : {}),
    });
    return this.param(id, paramId);
  }

  table(id: string, tableId: string): TableView {
    const view = this.supervisor(id).values.tableView(tableId);
    if (!view) throw notFound('table', tableId, 'tableId');
    return view;
  }

  async runAction(id: string, actionId: string, input: ActionInput, actor: Actor): Promise<ActionOutcome> {
    const supervisor = this.supervisor(id);
    const action = supervisor.definition.actions.find((candidate) => candidate.id === actionId);
    if (!action) throw notFound('action', actionId, 'actionId');
    const minRole = action.minRole ?? 'operator';
    if (ROLES.indexOf(actor.role) < ROLES.indexOf(minRole)) {
      throw new TallyError('FORBIDDEN', `${action.label} needs the ${minRole} role`);
    }
    const request = buildActionRequest(action, input, supervisor.values, actor.user);
    if (supervisor.state !== 'active') throw notRunning(supervisor);
    const details = { action: action.id, rows: request.rows.map((row) => row.key), inputs: request.inputs };
    try {
      const result = await this.runHandler(supervisor, action.label, action.timeout ?? DEFAULT_ACTION_TIMEOUT, (ctx) =>
        action.run(ctx, request),
      );
      const message = result || `${action.label}: done`;
      supervisor.recordEvent('action', actor.user, `${action.label} by ${actor.user}: ${message}`, { ...details, ok: true, result: message });
      return { ok: true, message };
    } catch (error) {
      const refusal = error as TallyError;
      supervisor.recordEvent('action', actor.user, `${action.label} by ${actor.user} failed: ${refusal.message}`, {
        ...details,
        ok: false,
        error: refusal.message,
      });
      throw refusal;
    }
  }

  /** The element's stream viewer, read by an operator: it is watched from now on (see StreamViewer.watch). */
  stream(id: string): StreamEntry[] {
    const viewer = this.supervisor(id).viewer;
    viewer.watch(this.clock.now());
    return viewer.entries();
  }

  async events(query: EventQuery): Promise<InfoEvent[]> {
    // Events still in the write-behind buffer are history too.
    await this.writer.flush().catch(() => undefined);
    return this.store.listEvents(query);
  }

  private async runHandler<T>(
    supervisor: ElementSupervisor,
    label: string,
    timeoutMs: number,
    run: (ctx: ElementContext) => Promise<T>,
  ): Promise<T> {
    try {
      return await supervisor.call(label, timeoutMs, run);
    } catch (error) {
      throw toTallyError(error);
    }
  }

  private supervisor(id: string): ElementSupervisor {
    const supervisor = this.supervisors.get(id);
    if (!supervisor) throw notFound('element', id, 'id');
    return supervisor;
  }

  private addSupervisor(record: ElementRecord, knownSecrets?: Record<string, string>): ElementSupervisor {
    const installed = this.registry.has(record.connector);
    const definition = installed ? this.registry.get(record.connector) : missingConnector(record.connector);
    let unreadable: string | null = null;
    let secrets = knownSecrets ?? {};
    if (!knownSecrets) {
      try {
        secrets = this.openSecrets(record);
      } catch (error) {
        unreadable = `its secrets could not be decrypted (was the secret key changed?): ${(error as Error).message}; set them again`;
      }
    }
    const supervisor = new ElementSupervisor(definition, record, secrets, this.deps);
    this.supervisors.set(record.id, supervisor);
    if (!installed) supervisor.block(`connector "${record.connector}" is not installed`);
    else if (unreadable) supervisor.failConfiguration(unreadable);
    return supervisor;
  }

  private openSecrets(record: ElementRecord): Record<string, string> {
    const secrets: Record<string, string> = {};
    for (const [paramId, sealed] of Object.entries(record.sealedSecrets)) secrets[paramId] = this.secretBox.open(sealed);
    return secrets;
  }

  private seal(secrets: Record<string, string>): Record<string, string> {
    const sealed: Record<string, string> = {};
    for (const [paramId, plain] of Object.entries(secrets)) sealed[paramId] = this.secretBox.seal(plain);
    return sealed;
  }

  private currentSecrets(supervisor: ElementSupervisor): Record<string, string> {
    const secrets: Record<string, string> = {};
    for (const def of supervisor.definition.params) {
      const value = def.secret ? supervisor.values.value(def.id) : null;
      if (typeof value === 'string' && value !== '') secrets[def.id] = value;
    }
    return secrets;
  }
}

function mergeSecrets(current: Record<string, string>, changes: Record<string, string | null>): Record<string, string> {
  const merged = { ...current };
  for (const [paramId, value] of Object.entries(changes)) {
    if (value === null) delete merged[paramId];
    else merged[paramId] = value;
  }
  return merged;
}

function notRunning(supervisor: ElementSupervisor): TallyError {
  const reason = supervisor.stateReason ? `: ${supervisor.stateReason}` : '';
  return new TallyError('CONFLICT', `the element is ${supervisor.state}${reason}`);
}

/** Stands in for a connector that was uninstalled, so its elements stay visible in `error`. */
function missingConnector(id: string): ConnectorDefinition {
  return {
    id,
    name: id,
    vendor: '',
    version: '0.0.0.0',
    connection: { scheme: 'http', port: 80 },
    params: [],
    tables: [],
    pages: [],
    polls: [],
    actions: [],
  };
}
