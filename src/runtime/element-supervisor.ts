/**
 * One supervisor per element: its state (initialising, active, paused, stopped, timeout,
 * error) and the reason, its work queue, its poll schedule, and what happens when the
 * device or the connector fails.
 *
 * - Device failures (network, timeouts, refused statuses, protocol errors, a handler that
 *   hangs) keep the element `active` and "retrying" until they have lasted the element
 *   timeout, then `timeout` with every value stale. Either way the failed work is retried
 *   with capped exponential backoff and, on the first success, every poll group runs again.
 * - A ConfigError puts the element in `error` until its configuration changes; any other
 *   exception is a connector bug ("connector failed: …") and does the same.
 * Nothing an element's connector does can block another element: work is abandoned after
 * its timeout and the concurrency slot given back.
 */
import type pino from 'pino';
import type { Clock, ConnectorDefinition, ElementContext, PollGroupDef, Value } from '../sdk/index.js';
import { ActionRefusedError, DeviceHttpError } from '../sdk/index.js';
import type { ElementRecord, ElementState, InfoEvent, OperatorState } from '../store/types.js';
import type { LiveBus } from '../live/live-bus.js';
import { TallyError } from '../errors.js';
import type { ConcurrencyLimiter, SlotTicket, SlotUser } from './concurrency-limiter.js';
import { classifyFailure, errorMessage, HandlerTimeoutError } from './device-failure.js';
import { SupervisedContext, type ContextHost } from './element-context.js';
import { baseUrlOf } from './element-connection.js';
import type { HttpDispatchers } from './http-dispatchers.js';
import { recordEvent } from './info-events.js';
import { ElementHttpSession } from './http-session.js';
import { Timed, type Scheduler } from './scheduler.js';
import { StreamViewer } from './stream-viewer.js';
import { ValueCache, type ValueWriter } from './value-cache.js';
import type { ElementView } from './views.js';
import { WorkQueue, type QueueTally } from './work-queue.js';
import type { RuntimeMetrics } from '../metrics/runtime-metrics.js';

export interface SupervisorDeps {
  scheduler: Scheduler;
  limiter: ConcurrencyLimiter;
  dispatchers: HttpDispatchers;
  writer: ValueWriter;
  bus: LiveBus;
  logger: pino.Logger;
  clock: Clock;
  /** Fraction of the interval (0..1) by which the round after an all-at-once poll may come early. */
  pollSpread: number;
  /** Work waiting in all element queues together. */
  queueTally: QueueTally;
  metrics?: RuntimeMetrics;
}

const FIRST_BACKOFF_MS = 1_000;
const SETTLED = Promise.resolve();

class PollWork {
  queued = false;
  /**
   * When its timer queued it, the due time of that round (epoch ms), for the lateness metric;
   * NaN when queued otherwise (start, recovery, retry, pollNow), with no due time to be late on.
   */
  dueAt = NaN;
  readonly timer: Timed;
  constructor(
    readonly group: PollGroupDef,
    due: (work: PollWork) => void,
  ) {
    this.timer = new Timed(() => due(this));
  }
}

class InitWork {
  queued = false;
}

/** Operator work (a set, an action) whose caller waits for the outcome. */
class CallWork {
  queued = false;
  constructor(
    readonly label: string,
    readonly timeoutMs: number,
    readonly run: (ctx: ElementContext) => Promise<unknown>,
    readonly resolve: (value: unknown) => void,
    readonly reject: (error: unknown) => void,
  ) {}
}

type Work = PollWork | InitWork | CallWork;

export class ElementSupervisor implements SlotUser, ContextHost {
  state: ElementState = 'initialising';
  stateReason = '';
  identity!: ElementContext['element'];
  session!: ElementHttpSession;
  readonly values: ValueCache;
  readonly viewer = new StreamViewer();
  readonly context: SupervisedContext;
  slotTicket: SlotTicket | null = null;

  private readonly queue: WorkQueue<Work>;
  private readonly polls: PollWork[];
  private readonly pollsById = new Map<string, PollWork>();
  private readonly initWork = new InitWork();
  private readonly retryTimer = new Timed(() => this.retryProbe());
  private readonly watchdog = new Timed(() => this.abandonRunning());
  private logger: pino.Logger | null = null;
  private readonly warnedUnknown = new Set<string>();

  private needsInit = true;
  private running: Work | null = null;
  private runStartedAt = 0;
  private blockedReason: string | null = null;
  private runToken = 0;
  private submitted = false;
  private releaseSlot: (() => void) | null = null;
  private failingSince: number | null = null;
  private failures = 0;
  private probe: PollWork | InitWork | null = null;
  private sessionConnection: ElementRecord['connection'] | null = null;

  constructor(
    readonly definition: ConnectorDefinition,
    public record: ElementRecord,
    secrets: Record<string, string>,
    private readonly deps: SupervisorDeps,
  ) {
    this.queue = new WorkQueue<Work>(deps.queueTally);
    this.values = new ValueCache(record.id, definition, deps.writer, deps.bus, (kind, id) => {
      // Once per id: a connector bug must not flood the log on every poll.
      if (this.warnedUnknown.has(`${kind} ${id}`)) return;
      this.warnedUnknown.add(`${kind} ${id}`);
      this.log.warn({ [kind]: id }, `connector reported an unknown or secret ${kind}`);
    });
    this.polls = definition.polls.map((group) => new PollWork(group, (work) => this.groupDue(work)));
    for (const work of this.polls) this.pollsById.set(work.group.id, work);
    this.context = new SupervisedContext(this, deps.clock, () => this.log, this.viewer.masker);
    this.applyRecord(record, secrets, false);
  }

  /** Made on first use: a pino child per element is not free at 10,000 elements. */
  private get log(): pino.Logger {
    this.logger ??= this.deps.logger.child({ element: this.record.id, connector: this.record.connector });
    return this.logger;
  }

  /** Starts as the operator state says: polling when active. */
  start(): void {
    const operatorState = this.record.operatorState;
    if (operatorState === 'active') this.begin(null);
    else this.transition(operatorState, `${operatorState} by an operator`, null);
  }

  /**
   * Takes a new configuration. `reinitialise` (a connection, configuration or secret change)
   * runs init again, which takes an element out of `error`; interval changes alone only
   * reschedule.
   */
  reconfigure(record: ElementRecord, secrets: Record<string, string>, reinitialise: boolean, user: string | null): void {
    this.applyRecord(record, secrets, true);
    if (reinitialise) {
      this.needsInit = true;
      if (record.operatorState === 'active') this.begin(user);
    } else if (this.isPolling()) {
      this.scheduleAll(false);
    }
    this.publishElement();
  }

  setOperatorState(next: OperatorState, user: string): void {
    this.record = { ...this.record, operatorState: next };
    if (next === 'active') {
      if (this.needsInit || this.state === 'stopped' || this.state === 'error') this.begin(user);
      else this.resume(user);
      return;
    }
    this.halt(`the element was ${next === 'paused' ? 'paused' : 'stopped'}`);
    this.clearFailures();
    if (next === 'stopped') this.needsInit = true;
    this.transition(next, `${next} by ${user}`, user);
  }

  /** Forgets run-time memory (tokens) and starts again from init. */
  restart(user: string): void {
    this.context.scratch.clear();
    this.needsInit = true;
    this.recordEvent('state', user, `Restarted by ${user}`);
    if (this.record.operatorState === 'active') this.begin(user);
    else this.halt('the element was restarted');
  }

  /** Stops for good (element removed or Tally shutting down). */
  shutdown(reason: string): void {
    this.halt(reason);
    this.session.abortAll(reason);
    // Its details' pages go back to the pool every element's stream viewer shares.
    this.viewer.close();
  }

  /**
   * Runs operator work at the head of the queue, within `timeoutMs`. Rejects with the
   * handler's own error (a ConfigError or a connector bug also puts the element in `error`),
   * or a HandlerTimeoutError.
   */
  call<T>(label: string, timeoutMs: number, run: (ctx: ElementContext) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.pushHead(new CallWork(label, timeoutMs, run, resolve as (value: unknown) => void, reject));
      this.kick();
    });
  }

  /** Values an operator set (or gave at creation): the device's next answers are reported over them, even unchanged ones. */
  setOperatorValues(values: Record<string, Value>, now: number): void {
    this.context.reportedAnswers.forget();
    this.values.setParams(values, now);
  }

  pollNow(groupId: string): void {
    const work = this.pollsById.get(groupId);
    if (!work) {
      this.log.warn({ group: groupId }, 'pollNow: unknown poll group');
      return;
    }
    if (!this.isPolling() && this.state !== 'timeout') return;
    this.queue.pollNow(work);
    this.kick();
  }

  view(): ElementView {
    const record = this.record;
    return {
      id: record.id,
      name: record.name,
      connector: record.connector,
      connection: record.connection,
      state: this.state,
      stateReason: this.stateReason,
      operatorState: record.operatorState,
      pollIntervals: record.pollIntervals,
      baseUrl: this.identity.baseUrl,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
    };
  }

  /** Records an information event about this element and pushes it to live subscribers. */
  recordEvent(kind: InfoEvent['kind'], user: string | null, message: string, details?: Record<string, unknown>): void {
    recordEvent(this.deps, { time: this.deps.clock.now(), elementId: this.record.id, kind, user, message, details });
  }

  /** Puts the element in `error` (a configuration it cannot run with) until reconfigured. */
  failConfiguration(reason: string): void {
    this.enterError(reason);
  }

  /** Keeps the element in `error` whatever happens (its connector is not installed). */
  block(reason: string): void {
    this.blockedReason = reason;
    this.enterError(reason);
  }

  // ——— the limiter's side ———

  runSlot(): Promise<void> {
    this.submitted = false;
    const work = this.queue.shift();
    if (!work) return SETTLED;
    return new Promise<void>((release) => {
      this.releaseSlot = release;
      this.startWork(work);
    });
  }

  private kick(): void {
    if (this.running !== null || this.queue.size === 0) return;
    // Operator work takes the limiter's urgent lane, even if the element already waits for polls.
    const urgent = this.queue.hasOperatorWork;
    if (this.submitted) {
      if (urgent) this.deps.limiter.promote(this);
      return;
    }
    this.submitted = true;
    this.deps.limiter.submit(this, urgent);
  }

  private startWork(work: Work): void {
    this.running = work;
    const token = this.runToken;
    this.runStartedAt = this.deps.clock.now();
    this.deps.metrics?.setQueueDepth(this.deps.queueTally.queued);
    if (work instanceof PollWork && !Number.isNaN(work.dueAt)) {
      this.deps.metrics?.observePollLateness(this.record.connector, Math.max(0, this.runStartedAt - work.dueAt));
      work.dueAt = NaN;
    }
    const deadline = this.runStartedAt + this.timeoutOf(work);
    this.session.setDeadline(deadline);
    this.deps.scheduler.schedule(this.watchdog, deadline);
    let outcome: Promise<unknown>;
    try {
      outcome = Promise.resolve(this.execute(work));
    } catch (error) {
      outcome = Promise.reject(error);
    }
    outcome.then(
      (result) => this.finish(token, work, undefined, result),
      (error: unknown) => this.finish(token, work, error ?? new Error('the handler failed without a reason'), undefined),
    );
  }

  private execute(work: Work): Promise<unknown> | undefined {
    if (work instanceof PollWork) return work.group.run(this.context);
    // Init and operator work may change values that the polls' answers would not change back.
    this.context.reportedAnswers.forget();
    if (work instanceof CallWork) return work.run(this.context);
    return this.definition.init?.(this.context);
  }

  private timeoutOf(work: Work): number {
    if (work instanceof CallWork) return work.timeoutMs;
    const { requestTimeout, retries } = this.record.connection;
    // Room for every attempt of one request and its backoff; a poll making several
    // requests to a healthy device finishes far sooner.
    return requestTimeout * (retries + 2);
  }

  private abandonRunning(): void {
    const work = this.running;
    if (!work) return;
    const seconds = formatSeconds(this.timeoutOf(work));
    const message =
      work instanceof CallWork ? `${work.label} did not finish within ${seconds}` : `${describe(work)} did not finish within ${seconds}`;
    this.session.abortAll(message);
    this.finish(this.runToken, work, new HandlerTimeoutError(message), undefined);
  }

  private finish(token: number, work: Work, error: unknown, result: unknown): void {
    // Work abandoned (timeout, pause, restart) may still settle later: ignore it.
    if (token !== this.runToken || this.running !== work) return;
    this.endRun();
    if (work instanceof PollWork) {
      this.deps.metrics?.observePoll(this.record.connector, work.group.id, this.deps.clock.now() - this.runStartedAt, error === undefined);
    }
    if (work instanceof CallWork) this.settleCall(work, error, result);
    else if (error === undefined) this.succeeded(work);
    else this.failed(work, error);
    this.kick();
  }

  private endRun(): void {
    this.runToken++;
    this.running = null;
    this.deps.scheduler.cancel(this.watchdog);
    const release = this.releaseSlot;
    this.releaseSlot = null;
    release?.();
  }

  private settleCall(work: CallWork, error: unknown, result: unknown): void {
    if (error === undefined) {
      work.resolve(result);
      return;
    }
    work.reject(error);
    const kind = classifyFailure(error);
    if (kind === 'config') this.enterError(errorMessage(error));
    else if (kind === 'connector' && !isRefusal(error)) this.connectorFailed(error);
  }

  private succeeded(work: PollWork | InitWork): void {
    if (work instanceof InitWork) this.needsInit = false;
    if (this.failingSince !== null) {
      this.clearFailures();
      this.transition('active', '', null);
      this.pollAll();
    } else if (work instanceof InitWork) {
      this.transition('active', '', null);
      this.pollAll();
    }
  }

  private failed(work: PollWork | InitWork, error: unknown): void {
    // A poll that failed half-way may have reported part of an answer.
    this.context.reportedAnswers.forget();
    const kind = classifyFailure(error);
    if (kind === 'config') this.enterError(errorMessage(error));
    else if (kind === 'connector') this.connectorFailed(error);
    else this.deviceFailed(work, error);
  }

  private deviceFailed(work: PollWork | InitWork, error: unknown): void {
    const now = this.deps.clock.now();
    if (this.failingSince === null) {
      this.failingSince = now;
      this.failures = 0;
      this.cancelPollTimers();
      this.queue.clearPolls();
    }
    this.failures++;
    this.probe = work;
    const why = errorMessage(error);
    const limit = this.record.connection.elementTimeout;
    const elapsed = now - this.failingSince;
    if (elapsed >= limit) {
      const what = error instanceof DeviceHttpError ? 'the device keeps failing' : 'no answer from the device';
      this.values.setTimedOut(true);
      this.transition('timeout', `${what} for ${formatSeconds(limit)}: ${why}`, null);
    } else {
      this.transition(this.state === 'initialising' ? 'initialising' : 'active', `retrying: ${why}`, null);
    }
    let delay = Math.min(FIRST_BACKOFF_MS * 2 ** Math.min(this.failures - 1, 30), this.backoffCap());
    // Retry on time to notice the element timeout when it falls due.
    if (elapsed < limit) delay = Math.min(delay, limit - elapsed);
    this.deps.scheduler.schedule(this.retryTimer, now + delay);
  }

  /** Capped at the shortest poll interval, so a recovered device is seen within one interval. */
  private backoffCap(): number {
    let shortest = Infinity;
    for (const work of this.polls) shortest = Math.min(shortest, this.intervalOf(work.group));
    return Math.max(FIRST_BACKOFF_MS, shortest === Infinity ? 60_000 : shortest);
  }

  private retryProbe(): void {
    const probe = this.probe;
    this.probe = null;
    if (!probe || this.record.operatorState !== 'active' || this.state === 'error') return;
    if (probe instanceof InitWork) this.queue.pushHead(probe);
    else this.queue.pushPoll(probe);
    this.kick();
  }

  private connectorFailed(error: unknown): void {
    this.log.error({ err: error }, 'connector failed');
    this.enterError(`connector failed: ${errorMessage(error)}`);
  }

  private enterError(reason: string): void {
    this.halt(`the element went to error: ${reason}`);
    this.clearFailures();
    this.needsInit = true;
    this.transition('error', reason, null);
  }

  private begin(user: string | null): void {
    if (this.blockedReason !== null) {
      this.enterError(this.blockedReason);
      return;
    }
    this.halt('the element restarted');
    this.clearFailures();
    this.needsInit = true;
    this.transition('initialising', 'connecting to the device', user);
    this.queue.pushHead(this.initWork);
    this.kick();
  }

  private resume(user: string): void {
    this.transition('active', '', user);
    this.pollAll();
  }

  /** Drops all waiting and running work; callers waiting on operator work are told why. */
  private halt(reason: string): void {
    this.context.reportedAnswers.forget();
    this.cancelPollTimers();
    this.deps.scheduler.cancel(this.retryTimer);
    this.probe = null;
    for (const work of this.queue.clear()) {
      if (work instanceof CallWork) work.reject(new TallyError('CONFLICT', `${work.label} was not run: ${reason}`));
    }
    const running = this.running;
    if (running) {
      this.endRun();
      this.session.abortAll(reason);
      if (running instanceof CallWork) running.reject(new TallyError('CONFLICT', `${running.label} was interrupted: ${reason}`));
    }
  }

  private clearFailures(): void {
    this.failingSince = null;
    this.failures = 0;
    this.deps.scheduler.cancel(this.retryTimer);
    this.probe = null;
    this.values.setTimedOut(false);
  }

  private isPolling(): boolean {
    return this.record.operatorState === 'active' && (this.state === 'active' || this.state === 'timeout') && this.failingSince === null;
  }

  /** Queues every poll group now (start, recovery) and schedules the next round. */
  private pollAll(): void {
    this.scheduleAll(true);
    this.kick();
  }

  /**
   * Arms every group's timer; with `queueNow` (start, recovery) also polls them all at once.
   * After such a burst the next round is brought forward by a random part of the interval
   * (up to `pollSpread`), so thousands of elements started together do not stay in phase.
   */
  private scheduleAll(queueNow: boolean): void {
    const now = this.deps.clock.now();
    const spread = queueNow ? this.deps.pollSpread * Math.random() : 0;
    for (const work of this.polls) {
      const interval = this.intervalOf(work.group);
      this.deps.scheduler.schedule(work.timer, now + Math.round(interval * (1 - spread)));
      if (queueNow && this.shouldPoll(work)) this.queue.pushPoll(work);
    }
  }

  private groupDue(work: PollWork): void {
    if (!this.isPolling()) return;
    // Fixed rate from the due time, not from when the timer fired: a late timer then does
    // not pull every element it fired together into the same phase.
    const interval = this.intervalOf(work.group);
    const now = this.deps.clock.now();
    const dueAt = work.timer.dueAt;
    const missed = Math.floor((now - dueAt) / interval);
    this.deps.scheduler.schedule(work.timer, dueAt + (missed + 1) * interval);
    if (!this.shouldPoll(work)) return;
    if (this.queue.pushPoll(work)) {
      work.dueAt = dueAt;
      this.kick();
    } else if (this.submitted) {
      // Still waiting for a slot from its last round, which stays the one it is late from:
      // this round is lost to the slots being too few.
      this.deps.limiter.countMissedRound();
    }
  }

  private shouldPoll(work: PollWork): boolean {
    const activeWhen = work.group.activeWhen;
    if (!activeWhen) return true;
    try {
      return activeWhen(this.context);
    } catch (error) {
      this.log.warn({ err: error, group: work.group.id }, 'activeWhen failed; group skipped');
      return false;
    }
  }

  private cancelPollTimers(): void {
    for (const work of this.polls) {
      this.deps.scheduler.cancel(work.timer);
      work.dueAt = NaN;
    }
    this.queue.clearPolls();
  }

  private intervalOf(group: PollGroupDef): number {
    return this.record.pollIntervals[group.id] ?? group.interval;
  }

  private applyRecord(record: ElementRecord, secrets: Record<string, string>, publish: boolean): void {
    this.record = record;
    const connection = record.connection;
    const baseUrl = baseUrlOf(connection);
    this.identity = { id: record.id, name: record.name, baseUrl, host: connection.host, port: connection.port };
    this.viewer.masker.setParamSecrets(Object.values(secrets));
    const previous = this.session as ElementHttpSession | undefined;
    if (!previous || previous.baseUrl !== baseUrl || this.connectionChanged(record)) {
      previous?.abortAll('the connection settings changed');
      const dispatcher = this.deps.dispatchers.forTarget(new URL(baseUrl), connection.deviceAddress, connection.skipTlsVerify);
      this.session = new ElementHttpSession(
        { baseUrl, dispatcher, requestTimeout: connection.requestTimeout, retries: connection.retries, metrics: this.deps.metrics },
        this.viewer,
        this.deps.clock.now,
      );
      this.sessionConnection = connection;
    }
    const configured: Record<string, Value> = {};
    for (const def of this.definition.params) {
      if (def.secret) configured[def.id] = secrets[def.id] ?? null;
      else if (def.config) configured[def.id] = record.config[def.id] ?? def.default ?? null;
    }
    this.values.setConfigured(configured, this.deps.clock.now(), publish);
  }

  private connectionChanged(record: ElementRecord): boolean {
    const before = this.sessionConnection;
    const after = record.connection;
    return (
      !before ||
      before.deviceAddress !== after.deviceAddress ||
      before.skipTlsVerify !== after.skipTlsVerify ||
      before.requestTimeout !== after.requestTimeout ||
      before.retries !== after.retries
    );
  }

  private transition(state: ElementState, reason: string, user: string | null): void {
    if (state === this.state && reason === this.stateReason) return;
    const changed = state !== this.state;
    this.state = state;
    this.stateReason = reason;
    if (changed) this.recordEvent('state', user, `State ${state}${reason ? `: ${reason}` : ''}`, { state, reason });
    this.publishElement();
  }

  private publishElement(): void {
    this.deps.bus.publish({ type: 'element', element: this.view() });
  }
}

/** An operator's refusal (ActionRefusedError, TallyError) is an answer, not a connector bug. */
function isRefusal(error: unknown): boolean {
  return error instanceof TallyError || error instanceof ActionRefusedError;
}

function describe(work: Work): string {
  if (work instanceof PollWork) return `poll ${work.group.id}`;
  if (work instanceof CallWork) return work.label;
  return 'init';
}

export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
