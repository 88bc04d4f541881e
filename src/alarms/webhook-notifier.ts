/**
 * Webhook notifications: alarm changes POSTed as JSON to the targets an admin configured.
 *
 * Each target has its own bounded queue and sends one change at a time, in order; failures
 * (network, timeouts, 408/429/5xx) are retried with capped exponential backoff that honours
 * Retry-After, so a dead receiver costs a few queued objects and never slows polling —
 * the bus hands a change over and returns. Target URLs often carry a token (Slack, Teams),
 * so they are sealed at rest and shown masked.
 */
import { request } from 'undici';
import { ALARM_SEVERITIES, type AlarmSeverity } from '../sdk/index.js';
import type { LiveBus } from '../live/live-bus.js';
import type { LiveMessage } from '../runtime/views.js';
import { runMigrations, type Migration, type SqliteDatabase } from '../store/sqlite-database.js';
import { TallyError, notFound } from '../errors.js';
import type { AlarmMessage } from './alarm-engine.js';
import { DeadlineQueue } from './deadline-queue.js';
import { severityRank } from './severity.js';

const MIGRATIONS: readonly Migration[] = [
  {
    name: 'webhook targets',
    up(db) {
      db.exec(`CREATE TABLE webhook_targets (
        id INTEGER PRIMARY KEY, url TEXT NOT NULL, min_severity TEXT NOT NULL, created_at INTEGER NOT NULL, created_by TEXT)`);
    },
  },
];

/** Seals and opens secrets (the SecretBox fits). */
export interface Sealer {
  seal(plain: string): string;
  open(sealed: string): string;
}

export interface WebhookNotifierOptions {
  db: SqliteDatabase;
  bus: LiveBus;
  /** Seals target URLs at rest; stored as given without it. */
  sealer?: Sealer;
  /** Changes kept per target while it is unreachable; the oldest are dropped beyond (default 1000). */
  queueLimit?: number;
  /** Attempts per change before it is dropped (default 10). */
  maxAttempts?: number;
  /** First retry delay, ms, doubled each attempt (default 1000). */
  retryBaseMs?: number;
  /** Longest retry delay, ms (default 60000). */
  retryMaxMs?: number;
  /** Per-request timeout, ms (default 10000). */
  timeoutMs?: number;
  onDeliveryFailure?: (target: WebhookTargetView, error: string) => void;
}

/** The severities a target can ask for: `warning` = every alarm. */
export type NotifySeverity = Exclude<AlarmSeverity, 'normal'>;
const NOTIFY_SEVERITIES = ALARM_SEVERITIES.filter((s): s is NotifySeverity => s !== 'normal');

/** A target as the API shows it: URL masked, delivery counters. */
export interface WebhookTargetView {
  id: number;
  url: string;
  minSeverity: NotifySeverity;
  createdAt: number;
  delivered: number;
  failed: number;
  dropped: number;
  queued: number;
  lastError: string | null;
}

interface Delivery {
  body: string;
  attempts: number;
}

interface Target {
  id: number;
  /** Null when the stored URL does not open (sealed under a key since rotated away). */
  url: string | null;
  minSeverity: NotifySeverity;
  createdAt: number;
  queue: Delivery[];
  /** Alarms this target was told about, so it also hears how they end whatever their severity. */
  told: Set<number>;
  sending: boolean;
  abort: AbortController;
  delivered: number;
  failed: number;
  dropped: number;
  lastError: string | null;
}

const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

export class WebhookNotifier {
  private readonly targets = new Map<number, Target>();
  private readonly retries = new DeadlineQueue<Target>((target) => void this.pump(target));
  private unsubscribe: (() => void) | undefined;
  private stopped = false;

  constructor(private readonly options: WebhookNotifierOptions) {
    runMigrations(options.db, 'notifications', MIGRATIONS);
  }

  start(): void {
    const rows = this.options.db.prepare('SELECT id, url, min_severity, created_at FROM webhook_targets').all() as {
      id: number;
      url: string;
      min_severity: NotifySeverity;
      created_at: number;
    }[];
    for (const row of rows) {
      const target = this.newTarget(row.id, this.openUrl(row.url), row.min_severity, row.created_at);
      if (target.url === null) target.lastError = 'the URL does not open with the current secret key; add the target again';
      this.targets.set(row.id, target);
    }
    this.unsubscribe = this.options.bus.subscribe((message) => this.onMessage(message));
  }

  /** Stops listening and abandons what is queued or in flight. */
  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.retries.clear();
    for (const target of this.targets.values()) target.abort.abort();
  }

  list(): WebhookTargetView[] {
    return [...this.targets.values()].map(view);
  }

  add(input: { url?: unknown; minSeverity?: unknown }, user: string | null): WebhookTargetView {
    const url = parseUrl(input.url);
    const minSeverity = input.minSeverity ?? 'warning';
    if (!NOTIFY_SEVERITIES.includes(minSeverity as NotifySeverity)) {
      throw new TallyError('VALIDATION', `minSeverity must be one of ${NOTIFY_SEVERITIES.join(', ')}`, 'minSeverity');
    }
    const stored = this.options.sealer ? this.options.sealer.seal(url) : url;
    const createdAt = Date.now();
    const { lastInsertRowid } = this.options.db
      .prepare('INSERT INTO webhook_targets (url, min_severity, created_at, created_by) VALUES (?, ?, ?, ?)')
      .run(stored, minSeverity, createdAt, user);
    const target = this.newTarget(Number(lastInsertRowid), url, minSeverity as NotifySeverity, createdAt);
    this.targets.set(target.id, target);
    return view(target);
  }

  remove(id: number): void {
    const target = this.targets.get(id);
    if (!target) throw notFound('webhook', String(id));
    this.options.db.prepare('DELETE FROM webhook_targets WHERE id = ?').run(id);
    this.targets.delete(id);
    this.retries.cancel(target);
    target.abort.abort();
  }

  private openUrl(stored: string): string | null {
    if (!stored.startsWith('v1:')) return stored;
    try {
      return this.options.sealer?.open(stored) ?? null;
    } catch {
      return null;
    }
  }

  private newTarget(id: number, url: string | null, minSeverity: NotifySeverity, createdAt: number): Target {
    return {
      id,
      url,
      minSeverity,
      createdAt,
      queue: [],
      told: new Set(),
      sending: false,
      abort: new AbortController(),
      delivered: 0,
      failed: 0,
      dropped: 0,
      lastError: null,
    };
  }

  private onMessage(message: LiveMessage): void {
    if (message.type !== 'alarm' || this.targets.size === 0) return;
    const { change, elementSeverity, ...alarm } = message.alarm as unknown as AlarmMessage;
    if (change === 'value') return;
    let body: string | undefined;
    for (const target of this.targets.values()) {
      if (target.url === null) continue;
      const wanted = severityRank(alarm.severity) >= severityRank(target.minSeverity);
      if (!wanted && !target.told.has(alarm.id)) continue;
      if (change === 'cleared') target.told.delete(alarm.id);
      else target.told.add(alarm.id);
      body ??= JSON.stringify({ event: 'alarm', change, alarm, elementSeverity, sentAt: new Date().toISOString() });
      if (target.queue.length >= (this.options.queueLimit ?? 1000)) {
        // The oldest waiting change goes; one already being tried stays at the head.
        const oldestWaiting = target.queue[0].attempts > 0 ? 1 : 0;
        if (target.queue.splice(oldestWaiting, 1).length > 0) target.dropped++;
      }
      target.queue.push({ body, attempts: 0 });
      void this.pump(target);
    }
  }

  /** Sends the target's queue in order, one request at a time. */
  private async pump(target: Target): Promise<void> {
    if (this.stopped || target.sending || this.retries.has(target)) return;
    target.sending = true;
    try {
      while (target.queue.length > 0 && this.targets.get(target.id) === target) {
        const delivery = target.queue[0];
        delivery.attempts++;
        const outcome = await this.send(target, delivery.body);
        if (outcome.ok) {
          target.queue.shift();
          target.delivered++;
          target.lastError = null;
          continue;
        }
        target.lastError = outcome.error;
        this.options.onDeliveryFailure?.(view(target), outcome.error);
        if (!outcome.retry || delivery.attempts >= (this.options.maxAttempts ?? 10)) {
          target.queue.shift();
          target.failed++;
          continue;
        }
        if (this.stopped) return;
        const base = this.options.retryBaseMs ?? 1000;
        const max = this.options.retryMaxMs ?? 60_000;
        const delay = Math.min(max, outcome.retryAfterMs ?? base * 2 ** (delivery.attempts - 1));
        this.retries.schedule(target, Date.now() + delay);
        return;
      }
    } finally {
      target.sending = false;
    }
  }

  private async send(target: Target, body: string): Promise<{ ok: true } | { ok: false; retry: boolean; error: string; retryAfterMs?: number }> {
    const timeout = this.options.timeoutMs ?? 10_000;
    try {
      const response = await request(target.url!, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'user-agent': 'Tally alarm webhook' },
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal: target.abort.signal,
      });
      await response.body.dump();
      if (response.statusCode >= 200 && response.statusCode < 300) return { ok: true };
      const retryAfter = Number(response.headers['retry-after']);
      return {
        ok: false,
        retry: RETRYABLE.has(response.statusCode),
        error: `answered ${response.statusCode}`,
        ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
      };
    } catch (error) {
      return { ok: false, retry: true, error: (error as Error).message };
    }
  }
}

function parseUrl(input: unknown): string {
  if (typeof input !== 'string') throw new TallyError('VALIDATION', 'url is required', 'url');
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new TallyError('VALIDATION', 'url must be an absolute http(s) URL', 'url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TallyError('VALIDATION', 'url must be an absolute http(s) URL', 'url');
  }
  return url.href;
}

/** Keeps scheme, host and first path segment; the rest often is a token. */
function maskUrl(href: string): string {
  const url = new URL(href);
  const first = url.pathname.split('/')[1] ?? '';
  const hidden = url.pathname.length > first.length + 1 || url.search !== '' || url.username !== '';
  return `${url.protocol}//${url.host}/${first}${hidden ? '/…' : ''}`;
}

function view(target: Target): WebhookTargetView {
  return {
    id: target.id,
    url: target.url === null ? 'unreadable' : maskUrl(target.url),
    minSeverity: target.minSeverity,
    createdAt: target.createdAt,
    delivered: target.delivered,
    failed: target.failed,
    dropped: target.dropped,
    queued: target.queue.length,
    lastError: target.lastError,
  };
}

/**
 * Re-seals the stored target URLs from one key to another (for `tally rotate-key`); returns
 * how many were re-sealed. URLs already under `to` are left alone.
 */
export function resealWebhookUrls(db: SqliteDatabase, from: Sealer, to: Sealer): number {
  runMigrations(db, 'notifications', MIGRATIONS);
  const rows = db.prepare('SELECT id, url FROM webhook_targets').all() as { id: number; url: string }[];
  const update = db.prepare('UPDATE webhook_targets SET url = ? WHERE id = ?');
  let count = 0;
  db.transaction(() => {
    for (const row of rows) {
      let plain: string;
      try {
        plain = row.url.startsWith('v1:') ? from.open(row.url) : row.url;
      } catch {
        try {
          to.open(row.url);
        } catch {
          throw new Error(`webhook target ${row.id} opens with neither key; nothing was changed`);
        }
        continue;
      }
      update.run(to.seal(plain), row.id);
      count++;
    }
  })();
  return count;
}
