/**
 * The alarm engine: listens to the live bus (element states, parameter values, table rows),
 * evaluates each element's alarm template, and publishes alarm changes back on the bus.
 *
 * - One alarm per rule and row; its life is raised → severity changed → cleared, kept in history.
 * - Hysteresis waits in one shared {@link DeadlineQueue}, never a timer per cell.
 * - `timeout` and `error` elements get one element-state alarm. Stale values are never
 *   evaluated, so a timed-out element's alarms neither raise nor clear until its values are
 *   live again. The `stale` flag decides, not the element state: on recovery the runtime
 *   republishes the values as live just before it announces the new state.
 * - A `stopped` element or a removed one has its alarms cleared; a `paused` one keeps them.
 * - Writes are batched by {@link FlushTimer} and go through the store's writer: evaluation
 *   never waits on the disk, nor the event loop on the write lock.
 */
import type { AlarmSeverity, AlarmTemplate, ConnectorDefinition, Value } from '../sdk/index.js';
import type { ElementState } from '../store/types.js';
import type { SqliteDatabase } from '../store/sqlite-database.js';
import type { StatementWriter } from '../store/statement-writer.js';
import type { LiveBus } from '../live/live-bus.js';
import type { ElementView, LiveMessage, ParamView, RowView } from '../runtime/views.js';
import { notFound } from '../errors.js';
import { ELEMENT_STATE_RULE, type Alarm, type AlarmChange, type AlarmChangeKind } from './alarm.js';
import { AlarmStore, type AlarmQuery } from './alarm-store.js';
import { compileTemplate, watchesRow, type CompiledRule, type CompiledTemplate, type Verdict } from './compiled-template.js';
import { DeadlineQueue } from './deadline-queue.js';
import { FlushTimer } from './flush-timer.js';
import { severityRank, worstOf } from './severity.js';
import { validateAlarmTemplate } from './template-validation.js';

/** What the engine needs to know of an element it has not yet seen on the bus. */
export type ElementLookup = (elementId: string) => Pick<ElementView, 'id' | 'name' | 'connector'> | undefined;

/** Current values, to re-evaluate at once when a template changes (an ElementService fits). */
export interface CurrentValues {
  params(elementId: string): ParamView[];
  table(elementId: string, tableId: string): { rows: RowView[] };
}

export interface AlarmEngineOptions {
  db: SqliteDatabase;
  /** Where alarm and history writes go: the store's (its write thread) in a running Tally; `db` by default. */
  writer?: StatementWriter;
  bus: LiveBus;
  connectors: (connectorId: string) => ConnectorDefinition | undefined;
  elements?: ElementLookup;
  values?: CurrentValues;
  /** Delay of the write-behind, ms (default 500). */
  flushDelayMs?: number;
  /** Cleared alarms older than this are forgotten (default 90 days). */
  historyRetentionDays?: number;
  /** Told how long each flush took, for the store-latency metric. */
  onFlush?: (durationMs: number, rows: number) => void;
  /** Told when a write fails; the changes are kept and written with the next flush. */
  onWriteError?: (error: unknown) => void;
}

/** The element's template and where it comes from. */
export interface TemplateView extends AlarmTemplate {
  source: 'connector' | 'element';
}

/** The alarm on the live bus: the alarm, what changed, and the element's overall severity. */
export type AlarmMessage = Alarm & { change: AlarmChangeKind; elementSeverity: AlarmSeverity };

interface Pending {
  entry: ElementEntry;
  key: string;
  rule: CompiledRule;
  rowKey: string | null;
  displayKey: string | null;
  value: Value;
  verdict: Verdict;
}

interface ElementEntry {
  id: string;
  name: string;
  connectorId: string | null;
  connector: ConnectorDefinition | undefined;
  state: ElementState;
  template: CompiledTemplate;
  alarms: Map<string, Alarm>;
  pending: Map<string, Pending>;
}

const EMPTY_TEMPLATE: CompiledTemplate = { rules: [], byParam: new Map(), byTable: new Map() };
const HOUR = 3_600_000;
/** States in which a pending hysteresis must not complete: the condition can no longer be seen. */
const FROZEN_STATES: ReadonlySet<ElementState> = new Set(['timeout', 'error', 'paused', 'stopped']);

const alarmKey = (ruleId: string, rowKey: string | null): string => (rowKey === null ? ruleId : `${ruleId}\u0000${rowKey}`);

export class AlarmEngine {
  private readonly store: AlarmStore;
  private readonly entries = new Map<string, ElementEntry>();
  private readonly active = new Map<number, Alarm>();
  private readonly defaults = new WeakMap<ConnectorDefinition, CompiledTemplate>();
  private readonly deadlines = new DeadlineQueue<Pending>((pending) => this.settle(pending));
  private readonly flushTimer: FlushTimer;
  private pruneTimer: NodeJS.Timeout | undefined;
  /** The last hourly prune (it never rejects). */
  private pruning: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;
  private lastId: number;

  constructor(private readonly options: AlarmEngineOptions) {
    this.store = new AlarmStore(options.db, options.writer);
    this.lastId = this.store.highestId();
    this.flushTimer = new FlushTimer(() => void this.flush(), options.flushDelayMs ?? 500);
  }

  /** Restores the alarms active at the last stop and starts listening to the bus. */
  start(): void {
    for (const alarm of this.store.loadActive()) {
      const entry = this.entry(alarm.elementId, alarm.elementName);
      entry.alarms.set(alarmKey(alarm.ruleId, alarm.rowKey), alarm);
      this.active.set(alarm.id, alarm);
    }
    this.unsubscribe = this.options.bus.subscribe((message) => this.onMessage(message));
    this.pruneTimer = setInterval(() => (this.pruning = this.prune()), HOUR);
    this.pruneTimer.unref?.();
  }

  /** Stops listening; settles once what is queued is written (or, failing, reported). */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.deadlines.clear();
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.flushTimer.cancel();
    // A prune under way would otherwise reach the writer after the store has closed it.
    await this.pruning;
    await this.flush();
  }

  /** Clears the alarms of elements that no longer exist (deleted while Tally was stopped). */
  clearMissingElements(existingIds: Iterable<string>): void {
    const existing = new Set(existingIds);
    for (const entry of [...this.entries.values()]) if (!existing.has(entry.id)) this.removeElement(entry.id);
  }

  /** Active alarms (most severe, then newest first) or, with `state: 'all'`, history too. */
  async list(query: AlarmQuery = {}): Promise<Alarm[]> {
    if (query.state !== 'all') {
      const alarms = [...this.active.values()].filter(
        (alarm) =>
          (query.elementId === undefined || alarm.elementId === query.elementId) &&
          (!query.severities?.length || query.severities.includes(alarm.severity)) &&
          (query.from === undefined || alarm.raisedAt >= query.from) &&
          (query.to === undefined || alarm.raisedAt <= query.to),
      );
      alarms.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || b.raisedAt - a.raisedAt || b.id - a.id);
      return alarms.slice(0, query.limit ?? 1000);
    }
    await this.flush();
    return this.store.query(query);
  }

  async get(id: number): Promise<Alarm> {
    let alarm = this.active.get(id);
    if (!alarm) {
      await this.flush();
      alarm = this.store.get(id);
    }
    if (!alarm) throw notFound('alarm', String(id));
    return alarm;
  }

  /** The steps of one alarm's life, oldest first. */
  async history(id: number): Promise<AlarmChange[]> {
    await this.get(id);
    await this.flush();
    return this.store.history(id);
  }

  /** An element's overall severity: its most severe active alarm, `normal` without any. */
  elementSeverity(elementId: string): AlarmSeverity {
    let severity: AlarmSeverity = 'normal';
    for (const alarm of this.entries.get(elementId)?.alarms.values() ?? []) severity = worstOf(severity, alarm.severity);
    return severity;
  }

  /** Overall severity of every element with an active alarm. */
  elementSeverities(): Record<string, AlarmSeverity> {
    const result: Record<string, AlarmSeverity> = {};
    for (const entry of this.entries.values()) if (entry.alarms.size > 0) result[entry.id] = this.elementSeverity(entry.id);
    return result;
  }

  /** How many alarms are active per severity (for metrics). */
  activeCounts(): Map<AlarmSeverity, number> {
    const counts = new Map<AlarmSeverity, number>();
    for (const alarm of this.active.values()) counts.set(alarm.severity, (counts.get(alarm.severity) ?? 0) + 1);
    return counts;
  }

  /** Acknowledges an alarm (active or cleared); acknowledging again replaces the comment. */
  async acknowledge(id: number, user: string, comment: string | null): Promise<Alarm> {
    const alarm = await this.get(id);
    const now = Date.now();
    alarm.acknowledged = true;
    alarm.ackUser = user;
    alarm.ackComment = comment;
    alarm.ackAt = now;
    alarm.updatedAt = now;
    this.record(alarm, 'acknowledged', user, comment);
    return alarm;
  }

  /** The element's template: its override, or the connector's default. */
  template(elementId: string): TemplateView {
    const { entry, connector } = this.resolve(elementId);
    const override = this.store.templateOverride(entry.id);
    if (override) return { source: 'element', rules: override.rules };
    return { source: 'connector', rules: connector.alarmTemplate?.rules ?? [] };
  }

  /** Validates and stores an element's own template, then re-evaluates the element with it. */
  setTemplate(elementId: string, input: unknown, user: string | null): TemplateView {
    const { entry, connector } = this.resolve(elementId);
    const template = validateAlarmTemplate(input, connector);
    this.store.saveTemplateOverride(entry.id, template, user, Date.now());
    this.applyTemplate(entry, compileTemplate(template, connector));
    return { source: 'element', rules: template.rules };
  }

  /** Drops the element's own template: the connector's default applies again. */
  resetTemplate(elementId: string): TemplateView {
    const { entry, connector } = this.resolve(elementId);
    this.store.deleteTemplateOverride(entry.id);
    this.applyTemplate(entry, this.connectorTemplate(connector));
    return this.template(elementId);
  }

  /**
   * Writes the queued alarm changes now (also done by the write-behind timer). Never rejects:
   * a failed write is reported to `onWriteError` and tried again by the timer.
   */
  async flush(): Promise<void> {
    this.flushTimer.cancel();
    const started = performance.now();
    try {
      const rows = await this.store.flush();
      if (rows > 0) this.options.onFlush?.(performance.now() - started, rows);
    } catch (error) {
      this.options.onWriteError?.(error);
      this.flushTimer.request();
    }
  }

  private async prune(): Promise<void> {
    const days = this.options.historyRetentionDays ?? 90;
    await this.flush();
    try {
      await this.store.prune(Date.now() - days * 24 * HOUR);
    } catch (error) {
      this.options.onWriteError?.(error);
    }
  }

  private onMessage(message: LiveMessage): void {
    switch (message.type) {
      case 'element':
        this.onElement(message.element);
        break;
      case 'element-removed':
        this.removeElement(message.elementId);
        break;
      case 'params':
        this.onParams(message.elementId, message.params);
        break;
      case 'rows':
        this.onRows(message.elementId, message.tableId, message.rows, message.removed);
        break;
    }
  }

  private entry(elementId: string, name: string): ElementEntry {
    let entry = this.entries.get(elementId);
    if (!entry) {
      entry = {
        id: elementId,
        name,
        connectorId: null,
        connector: undefined,
        state: 'initialising',
        template: EMPTY_TEMPLATE,
        alarms: new Map(),
        pending: new Map(),
      };
      this.entries.set(elementId, entry);
    }
    return entry;
  }

  /** The entry of an element known on the bus or to the element lookup, with its connector. */
  private resolve(elementId: string): { entry: ElementEntry; connector: ConnectorDefinition } {
    let entry = this.entries.get(elementId);
    if (!entry?.connector) {
      const element = this.options.elements?.(elementId);
      if (element) {
        entry = this.entry(element.id, element.name);
        this.attachConnector(entry, element.connector);
      }
    }
    if (!entry?.connector) throw notFound('element', elementId);
    return { entry, connector: entry.connector };
  }

  private attachConnector(entry: ElementEntry, connectorId: string): void {
    if (entry.connectorId === connectorId && entry.connector) return;
    entry.connectorId = connectorId;
    entry.connector = this.options.connectors(connectorId);
    if (!entry.connector) {
      entry.template = EMPTY_TEMPLATE;
      return;
    }
    const override = this.store.templateOverride(entry.id);
    entry.template = override ? compileTemplate(override, entry.connector) : this.connectorTemplate(entry.connector);
    this.clearOrphans(entry);
  }

  /** The connector's default, compiled once and shared by all its elements without an override. */
  private connectorTemplate(connector: ConnectorDefinition): CompiledTemplate {
    let compiled = this.defaults.get(connector);
    if (!compiled) {
      compiled = compileTemplate(connector.alarmTemplate ?? { rules: [] }, connector);
      this.defaults.set(connector, compiled);
    }
    return compiled;
  }

  /** Alarms restored from the last run whose rule the template no longer has. */
  private clearOrphans(entry: ElementEntry): void {
    const ruleIds = new Set(entry.template.rules.map((rule) => rule.id));
    this.clearAll(entry, (alarm) => alarm.ruleId !== ELEMENT_STATE_RULE && !ruleIds.has(alarm.ruleId));
  }

  private onElement(element: ElementView): void {
    const entry = this.entry(element.id, element.name);
    entry.name = element.name;
    this.attachConnector(entry, element.connector);
    entry.state = element.state;
    if (FROZEN_STATES.has(element.state)) this.cancelPending(entry);
    if (element.state === 'timeout' || element.state === 'error') {
      const reason = element.stateReason || (element.state === 'timeout' ? 'the device does not answer' : 'the element cannot run');
      this.setElementStateAlarm(entry, element.state, `${element.state === 'timeout' ? 'Timeout' : 'Error'}: ${reason}`);
    } else if (element.state === 'stopped') {
      this.clearAll(entry, () => true);
    } else if (element.state !== 'initialising') {
      // Not on `initialising`: after a restart or a reconfiguration the element has not
      // recovered yet, and a device still down would otherwise clear and raise again.
      this.clearAll(entry, (alarm) => alarm.ruleId === ELEMENT_STATE_RULE);
    }
  }

  private setElementStateAlarm(entry: ElementEntry, severity: 'timeout' | 'error', message: string): void {
    const alarm = entry.alarms.get(ELEMENT_STATE_RULE);
    if (alarm?.severity === severity && alarm.message === message) return;
    this.apply(entry, ELEMENT_STATE_RULE, ELEMENT_STATE_RULE, null, null, null, severity, severity, message);
  }

  private onParams(elementId: string, params: ParamView[]): void {
    const entry = this.entries.get(elementId);
    if (!entry || entry.template.byParam.size === 0) return;
    for (const param of params) {
      if (param.stale) continue;
      const rules = entry.template.byParam.get(param.id);
      if (!rules) continue;
      for (const rule of rules) this.evaluate(entry, rule, null, null, param.value, rule.severityOf(param.value));
    }
  }

  private onRows(elementId: string, tableId: string, rows: RowView[], removed: string[]): void {
    const entry = this.entries.get(elementId);
    if (!entry) return;
    if (removed.length > 0) {
      const gone = new Set(removed);
      this.clearAll(entry, (alarm) => alarm.tableId === tableId && alarm.rowKey !== null && gone.has(alarm.rowKey));
    }
    const rules = entry.template.byTable.get(tableId);
    if (!rules) return;
    for (const row of rows) {
      if (row.stale) continue;
      for (const rule of rules) {
        const value = row.cells[rule.columnId!] ?? null;
        // A row that no longer matches the filter (renamed, incident resolved) is, for this rule, normal.
        const verdict = watchesRow(rule, row.displayKey, row.cells) ? rule.severityOf(value) : 'normal';
        this.evaluate(entry, rule, row.key, row.displayKey, value, verdict);
      }
    }
  }

  private evaluate(entry: ElementEntry, rule: CompiledRule, rowKey: string | null, displayKey: string | null, value: Value, verdict: Verdict): void {
    const key = alarmKey(rule.id, rowKey);
    const alarm = entry.alarms.get(key);
    const current: Verdict = alarm ? (alarm.severity as Verdict) : 'normal';
    let pending = entry.pending.get(key);
    if (verdict === current) {
      if (pending) this.dropPending(pending);
      if (alarm && (alarm.value !== value || alarm.displayKey !== displayKey)) this.updateValue(alarm, rule, value, displayKey);
      return;
    }
    const rising = severityRank(verdict) > severityRank(current);
    const delay = rising ? rule.raiseMs : rule.clearMs;
    if (delay === 0) {
      if (pending) this.dropPending(pending);
      this.apply(entry, key, rule.id, rule, rowKey, displayKey, value, verdict, rule.describe(value, verdict, displayKey));
      return;
    }
    if (pending) {
      const wasRising = severityRank(pending.verdict) > severityRank(current);
      pending.value = value;
      pending.displayKey = displayKey;
      pending.verdict = verdict;
      // Still the same way (e.g. minor then major while raising): the condition has held since it began.
      if (wasRising === rising) return;
    } else {
      pending = { entry, key, rule, rowKey, displayKey, value, verdict };
      entry.pending.set(key, pending);
    }
    this.deadlines.schedule(pending, Date.now() + delay);
  }

  /** A hysteresis delay ran out: the condition held all along. */
  private settle(pending: Pending): void {
    const { entry, key, rule, rowKey, displayKey, value, verdict } = pending;
    entry.pending.delete(key);
    if (this.entries.get(entry.id) !== entry || FROZEN_STATES.has(entry.state)) return;
    this.apply(entry, key, rule.id, rule, rowKey, displayKey, value, verdict, rule.describe(value, verdict, displayKey));
  }

  private dropPending(pending: Pending): void {
    this.deadlines.cancel(pending);
    pending.entry.pending.delete(pending.key);
  }

  private cancelPending(entry: ElementEntry): void {
    for (const pending of entry.pending.values()) this.deadlines.cancel(pending);
    entry.pending.clear();
  }

  /** Raises, changes the severity of, or clears the alarm `key` of the element. */
  private apply(
    entry: ElementEntry,
    key: string,
    ruleId: string,
    rule: CompiledRule | null,
    rowKey: string | null,
    displayKey: string | null,
    value: Value,
    verdict: Verdict | 'timeout' | 'error',
    message: string,
  ): void {
    const now = Date.now();
    const alarm = entry.alarms.get(key);
    if (verdict === 'normal') {
      if (alarm) this.clear(entry, key, alarm, value, message, now);
      return;
    }
    if (!alarm) {
      const raised: Alarm = {
        id: ++this.lastId,
        elementId: entry.id,
        elementName: entry.name,
        ruleId,
        paramId: rule?.paramId ?? null,
        tableId: rule?.tableId ?? null,
        rowKey,
        displayKey,
        severity: verdict,
        value,
        message,
        raisedAt: now,
        updatedAt: now,
        clearedAt: null,
        acknowledged: false,
        ackComment: null,
        ackUser: null,
        ackAt: null,
      };
      entry.alarms.set(key, raised);
      this.active.set(raised.id, raised);
      this.record(raised, 'raised');
      return;
    }
    // A worse condition needs the operator's eyes again.
    if (severityRank(verdict) > severityRank(alarm.severity)) alarm.acknowledged = false;
    alarm.severity = verdict;
    alarm.value = value;
    alarm.displayKey = displayKey;
    alarm.message = message;
    alarm.updatedAt = now;
    this.record(alarm, 'severity');
  }

  private clear(entry: ElementEntry, key: string, alarm: Alarm, value: Value, message: string, now: number): void {
    entry.alarms.delete(key);
    this.active.delete(alarm.id);
    alarm.clearedAt = now;
    alarm.updatedAt = now;
    alarm.value = value;
    alarm.message = message;
    this.record(alarm, 'cleared');
  }

  private updateValue(alarm: Alarm, rule: CompiledRule, value: Value, displayKey: string | null): void {
    alarm.value = value;
    alarm.displayKey = displayKey;
    alarm.message = rule.describe(value, alarm.severity as Verdict, displayKey);
    alarm.updatedAt = Date.now();
    this.record(alarm, 'value');
  }

  /** Clears the element's alarms that `which` selects, at once (no hysteresis). */
  private clearAll(entry: ElementEntry, which: (alarm: Alarm) => boolean): void {
    const now = Date.now();
    for (const [key, alarm] of [...entry.alarms]) {
      if (!which(alarm)) continue;
      const pending = entry.pending.get(key);
      if (pending) this.dropPending(pending);
      this.clear(entry, key, alarm, alarm.value, alarm.message, now);
    }
  }

  private removeElement(elementId: string): void {
    const entry = this.entries.get(elementId);
    if (!entry) return;
    this.cancelPending(entry);
    this.clearAll(entry, () => true);
    this.entries.delete(elementId);
    this.store.deleteTemplateOverride(elementId);
  }

  private applyTemplate(entry: ElementEntry, template: CompiledTemplate): void {
    this.cancelPending(entry);
    entry.template = template;
    this.clearOrphans(entry);
    const values = this.options.values;
    if (!values || FROZEN_STATES.has(entry.state)) return;
    this.onParams(entry.id, values.params(entry.id));
    for (const tableId of template.byTable.keys()) this.onRows(entry.id, tableId, values.table(entry.id, tableId).rows, []);
  }

  /** Keeps a step of the alarm's life and tells the bus (and so the UI and webhooks). */
  private record(alarm: Alarm, change: AlarmChangeKind, user: string | null = null, comment: string | null = null): void {
    this.store.saveAlarm(alarm);
    if (change !== 'value') {
      this.store.saveChange({
        alarmId: alarm.id,
        time: alarm.updatedAt,
        change,
        severity: alarm.severity,
        value: alarm.value,
        message: alarm.message,
        user,
        comment,
      });
    }
    this.flushTimer.request();
    const message = snapshot(alarm, change, this.elementSeverity(alarm.elementId));
    this.options.bus.publish({ type: 'alarm', alarm: message as unknown as Record<string, unknown> });
  }
}

/** A copy for the bus: the alarm object itself keeps changing. Spelled out, it is cheaper than a spread. */
function snapshot(alarm: Alarm, change: AlarmChangeKind, elementSeverity: AlarmSeverity): AlarmMessage {
  return {
    id: alarm.id,
    elementId: alarm.elementId,
    elementName: alarm.elementName,
    ruleId: alarm.ruleId,
    paramId: alarm.paramId,
    tableId: alarm.tableId,
    rowKey: alarm.rowKey,
    displayKey: alarm.displayKey,
    severity: alarm.severity,
    value: alarm.value,
    message: alarm.message,
    raisedAt: alarm.raisedAt,
    updatedAt: alarm.updatedAt,
    clearedAt: alarm.clearedAt,
    acknowledged: alarm.acknowledged,
    ackComment: alarm.ackComment,
    ackUser: alarm.ackUser,
    ackAt: alarm.ackAt,
    change,
    elementSeverity,
  };
}
