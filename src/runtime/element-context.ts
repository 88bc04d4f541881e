/**
 * The context a connector's handlers receive: one per element, living as long as the
 * element. It reads and reports through the element's value cache and talks to the device
 * through the element's current HTTP session.
 */
import type pino from 'pino';
import type { Clock, ElementContext, HttpResponse, HttpSession, Logger, Row, Value } from '../sdk/index.js';
import { ReportedAnswers } from './reported-answers.js';
import type { SecretMasker } from './secret-masker.js';
import type { ValueCache } from './value-cache.js';

/** What the context needs from its element's supervisor. */
export interface ContextHost {
  readonly identity: ElementContext['element'];
  readonly session: HttpSession;
  readonly values: ValueCache;
  pollNow(groupId: string): void;
}

export class SupervisedContext implements ElementContext {
  readonly scratch = new Map<string, unknown>();
  readonly log: Logger;
  /** Forgotten by the supervisor whenever anything but a poll may have changed the values. */
  readonly reportedAnswers = new ReportedAnswers();

  constructor(
    private readonly host: ContextHost,
    readonly clock: Clock,
    logger: () => pino.Logger,
    masker: SecretMasker,
  ) {
    this.log = new ConnectorLogger(logger, masker);
  }

  get element(): ElementContext['element'] {
    return this.host.identity;
  }

  get http(): HttpSession {
    return this.host.session;
  }

  param(id: string): Value {
    return this.host.values.value(id);
  }

  rows(tableId: string): Row[] {
    return this.host.values.rows(tableId);
  }

  row(tableId: string, key: string): Row | undefined {
    return this.host.values.row(tableId, key);
  }

  setParams(values: Record<string, Value>): void {
    this.host.values.setParams(values, this.clock.now());
  }

  fillTable(tableId: string, rows: Row[]): void {
    this.host.values.fillTable(tableId, rows, this.clock.now());
  }

  upsertRows(tableId: string, rows: Row[]): void {
    this.host.values.upsertRows(tableId, rows, this.clock.now());
  }

  patchRows(tableId: string, patches: Row[]): void {
    this.host.values.patchRows(tableId, patches, this.clock.now());
  }

  pollNow(groupId: string): void {
    this.host.pollNow(groupId);
  }

  reportIfChanged(key: string, answer: HttpResponse | string, report: () => void): void {
    this.reportedAnswers.reportIfChanged(key, answer, report);
  }
}

/** The SDK's logger on pino, with the element's secrets masked out of every message. */
class ConnectorLogger implements Logger {
  constructor(
    private readonly logger: () => pino.Logger,
    private readonly masker: SecretMasker,
  ) {}

  private get pino(): pino.Logger {
    return this.logger();
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    if (this.pino.isLevelEnabled('debug')) this.pino.debug(this.fields(fields), this.masker.maskText(message));
  }

  info(message: string, fields?: Record<string, unknown>): void {
    this.pino.info(this.fields(fields), this.masker.maskText(message));
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    this.pino.warn(this.fields(fields), this.masker.maskText(message));
  }

  error(message: string, fields?: Record<string, unknown>): void {
    this.pino.error(this.fields(fields), this.masker.maskText(message));
  }

  private fields(fields: Record<string, unknown> | undefined): Record<string, unknown> {
    if (!fields) return {};
    const masked: Record<string, unknown> = {};
    for (const name in fields) {
      const value = fields[name];
      masked[name] = typeof value === 'string' ? this.masker.maskText(value) : value;
    }
    return masked;
  }
}
