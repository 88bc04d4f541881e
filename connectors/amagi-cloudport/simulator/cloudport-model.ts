/**
 * The simulated CLOUDPORT Service Manager: account, headends, switchovers, fixes and the
 * incident history, moving with simulated time. Pure state machine — no sockets, no timers —
 * so a simulator farm can host many models in one process and tests can drive it directly.
 */
import { buildHeadends, healthOf, MAX_FEEDS, type Headend, type PlayoutStatus } from './catalogue.js';
import { Prng } from '../../../src/sdk/simulator-kit/index.js';
import { error, isoTime, json, parseBody, text, type SimRequest, type SimResponse } from './responses.js';
import { renderWebPage } from './web-page.js';

export interface ModelOptions {
  seed?: number;
  customer?: string;
  /** Sign-in email. */
  username?: string;
  password?: string;
  /** How long a token lives, ms. */
  tokenTtlMs?: number;
  /** How long a switchover takes from initiated to completed, ms. */
  switchoverMs?: number;
  /** How long a Fix takes to bring the player back, ms. */
  fixMs?: number;
  feeds?: number;
  /** Chance per headend per 5 s tick that something goes wrong (0 keeps everything healthy). */
  volatility?: number;
  /** Simulated time at creation (epoch ms). */
  now?: number;
}

/** Injected trouble; each field is independent. */
export interface Faults {
  latencyMs?: number;
  hang?: boolean;
  status?: 500 | 503;
  /** Seconds, sent as Retry-After with a 503. */
  retryAfter?: number;
  malformedJson?: boolean;
  /** Switchovers started from now on end `failed`. */
  failSwitchover?: boolean;
  /** Switchovers started from now on stay `in_progress` forever. */
  hangSwitchover?: boolean;
  /** Feeds the user has no rights on (403). */
  forbiddenFeeds?: string[];
}

export type SwitchoverStatus = 'initiated' | 'in_progress' | 'completed' | 'failed';

interface Switchover {
  id: string;
  feed: string;
  from: string;
  to: string;
  status: SwitchoverStatus;
  startedAt: number;
  completedAt: number | null;
  message: string;
  outcome: 'complete' | 'fail' | 'never';
}

export interface Incident {
  id: string;
  createdAt: number;
  resolvedAt: number | null;
  severity: 'critical' | 'high' | 'medium' | 'low' | 'info';
  state: 'active' | 'resolved' | 'acknowledged';
  type: string;
  feed: string;
  headend: string;
  description: string;
}

export interface Counters {
  requests: number;
  signInAttempts: number;
  signInFailures: number;
  unauthorized: number;
}

export const DEFAULT_USERNAME = 'ops@example.com';
export const DEFAULT_PASSWORD = 'cloudport';
const TICK_MS = 5_000;
const USER_ID = 12;
const NOT_SIGNED_IN = 'You need to sign in or sign up before continuing.';
const SERVICE_MANAGER = '/api/v2/service_manager';
const FEED_PATH = /^\/api\/v2\/service_manager\/feeds\/([^/]+)\/(switchover|fix)$/;
const TROUBLE: readonly { playout: PlayoutStatus; type: string; severity: Incident['severity']; text: string }[] = [
  { playout: 'rescue', type: 'hole_in_playlist', severity: 'high', text: 'hole in playlist, rescue media on air' },
  { playout: 'slate', type: 'no_published_playlist', severity: 'medium', text: 'no published playlist, slate on air' },
  { playout: 'slate', type: 'asset_missing_in_cloud', severity: 'high', text: 'asset missing in cloud storage' },
];
const NOTICES: readonly { type: string; severity: Incident['severity']; text: string }[] = [
  { type: 'asset_duration_mismatch', severity: 'low', text: 'asset duration differs from the playlist' },
  { type: 'missing_live_event', severity: 'medium', text: 'scheduled live event has no source' },
  { type: 'no_playlist', severity: 'info', text: 'playlist for tomorrow not yet delivered' },
];

export class CloudportModel {
  readonly customer: string;
  readonly counters: Counters = { requests: 0, signInAttempts: 0, signInFailures: 0, unauthorized: 0 };
  faults: Faults = {};
  private readonly prng: Prng;
  private readonly username: string;
  private readonly password: string;
  private readonly tokenTtlMs: number;
  private readonly switchoverMs: number;
  private readonly fixMs: number;
  private readonly volatility: number;
  private readonly headends: Headend[];
  private readonly tokens = new Map<string, number>();
  private readonly switchovers = new Map<string, Switchover>();
  private readonly incidents: Incident[] = [];
  private simNow: number;
  private lastTick: number;
  private skewMs = 0;
  private sequence = 90;

  constructor(options: ModelOptions = {}) {
    this.prng = new Prng(options.seed ?? 1);
    this.customer = options.customer ?? 'acme';
    this.username = options.username ?? DEFAULT_USERNAME;
    this.password = options.password ?? DEFAULT_PASSWORD;
    this.tokenTtlMs = options.tokenTtlMs ?? 3_600_000;
    this.switchoverMs = options.switchoverMs ?? 6_000;
    this.fixMs = options.fixMs ?? Math.max(1_000, Math.round(this.switchoverMs / 2));
    this.volatility = options.volatility ?? 0.003;
    this.simNow = options.now ?? Date.now();
    this.lastTick = this.simNow;
    this.headends = buildHeadends(this.customer, Math.min(Math.max(options.feeds ?? 4, 1), MAX_FEEDS), this.simNow);
    this.seedHistory();
  }

  /** Simulated time, epoch ms. */
  get now(): number {
    return this.simNow;
  }

  /** Moves simulated time to the wall clock `realNow` plus any skew added by {@link skip}. */
  advance(realNow: number): void {
    const target = realNow + this.skewMs;
    if (target <= this.simNow) return;
    while (this.lastTick + TICK_MS <= target) {
      this.lastTick += TICK_MS;
      this.simNow = this.lastTick;
      this.settle();
      this.tick();
    }
    this.simNow = target;
    this.settle();
  }

  /** Jumps simulated time forward by `ms` (relative to the wall clock from now on). */
  skip(ms: number, realNow: number): void {
    this.skewMs += Math.max(0, ms);
    this.advance(realNow);
  }

  /** Forgets every token: the next request of every client gets 401. */
  revokeTokens(): void {
    this.tokens.clear();
  }

  /** Sets a headend's state by hand (tests and demos). */
  patchHeadend(code: string, patch: Partial<Pick<Headend, 'player' | 'playout' | 'agent'>>): Headend | undefined {
    const headend = this.headends.find((h) => h.code === code);
    if (!headend) return undefined;
    Object.assign(headend, patch);
    headend.updatedAt = this.simNow;
    return headend;
  }

  /** Everything the control API shows. */
  snapshot(): Record<string, unknown> {
    return {
      now: isoTime(this.simNow),
      customer: this.customer,
      username: this.username,
      activeTokens: this.tokens.size,
      counters: { ...this.counters },
      faults: this.faults,
      services: this.headends.map((h) => this.serviceJson(h)),
      switchovers: [...this.switchovers.values()].map((s) => this.switchoverJson(s)),
      incidentsTotal: this.incidents.length,
    };
  }

  /** Answers one request of the device API (not the `/_sim/` control API). */
  handle(request: SimRequest): SimResponse {
    this.counters.requests += 1;
    const answer = this.injectedFailure() ?? this.route(request);
    if (this.faults.malformedJson && answer.contentType.startsWith('application/json')) {
      answer.body = answer.body.slice(0, Math.max(1, Math.floor(answer.body.length / 2)));
    }
    if (this.faults.hang) answer.hang = true;
    if (this.faults.latencyMs) answer.delayMs = this.faults.latencyMs;
    return answer;
  }

  private injectedFailure(): SimResponse | undefined {
    if (this.faults.status === 500) return error(500, 'Internal Server Error');
    if (this.faults.status === 503) {
      const answer = error(503, 'Service Unavailable');
      if (this.faults.retryAfter !== undefined) answer.headers = { 'retry-after': String(this.faults.retryAfter) };
      return answer;
    }
    return undefined;
  }

  private route(request: SimRequest): SimResponse {
    const { method, path } = request;
    if (method === 'GET' && path === '/') return text(200, renderWebPage(this.customer, this.headends.map((h) => this.serviceJson(h))), 'text/html; charset=utf-8');
    if (method === 'GET' && path === '/status') return text(200, 'ok');
    if (path === '/users/sign_in.json') return method === 'POST' ? this.signIn(request.body) : error(404, 'Not found');
    if (!path.startsWith('/api/v2/')) return error(404, 'Not found');
    if (!this.authenticated(request)) {
      this.counters.unauthorized += 1;
      return error(401, NOT_SIGNED_IN);
    }
    if (method === 'GET' && path === '/api/v2/status/version') return json(200, this.version());
    if (method === 'GET' && path === `${SERVICE_MANAGER}/summary`) return json(200, this.summary());
    if (method === 'GET' && path === `${SERVICE_MANAGER}/services`) return json(200, { services: this.headends.map((h) => this.serviceJson(h)) });
    if (method === 'GET' && path === `${SERVICE_MANAGER}/incidents`) return this.listIncidents(request.query);
    const feedMatch = FEED_PATH.exec(path);
    if (feedMatch) return this.feedOperation(method, decodeURIComponent(feedMatch[1]), feedMatch[2], request.body);
    return error(404, 'Not found');
  }

  private signIn(body: string): SimResponse {
    this.counters.signInAttempts += 1;
    const user = parseBody(body)?.user as { email?: unknown; password?: unknown } | undefined;
    if (user?.email !== this.username || user?.password !== this.password) {
      this.counters.signInFailures += 1;
      return error(401, 'Invalid Email or password.');
    }
    const token = this.prng.hex(20);
    this.tokens.set(token, this.simNow + this.tokenTtlMs);
    return json(200, { id: USER_ID, email: this.username, authentication_token: token });
  }

  private authenticated(request: SimRequest): boolean {
    const token = request.headers['x-user-token'] ?? request.query.get('token') ?? undefined;
    if (!token) return false;
    const expiresAt = this.tokens.get(token);
    if (expiresAt === undefined) return false;
    if (expiresAt <= this.simNow) {
      this.tokens.delete(token);
      return false;
    }
    return true;
  }

  private version(): Record<string, unknown> {
    return {
      customer: this.customer,
      blip_endpoint: `https://${this.customer}.blip.amagi.tv`,
      deployed_versions: {
        automation: 'v5.14.2',
        live: 'v3.9.0',
        playout: Object.fromEntries(this.headends.map((h) => [h.code, h.version])),
      },
    };
  }

  private summary(): Record<string, unknown> {
    const health = this.headends.map((h) => ({ onAir: h.onAir, health: healthOf(h) }));
    const unhealthy = health.filter((h) => h.health !== 'healthy').length;
    const overall = health.some((h) => h.onAir && h.health !== 'healthy' && h.health !== 'degraded')
      ? 'unhealthy'
      : unhealthy > 0
        ? 'degraded'
        : 'healthy';
    return { customer: this.customer, health_status: overall, services_total: this.headends.length, services_unhealthy: unhealthy };
  }

  private serviceJson(h: Headend): Record<string, unknown> {
    return {
      id: h.code,
      name: h.name,
      feed_code: h.feed,
      headend_code: h.code,
      region: h.region,
      role: h.role,
      on_air: h.onAir,
      player_status: h.player,
      playout_status: h.playout,
      health_status: healthOf(h),
      agent_health: h.agent,
      updated_at: isoTime(h.updatedAt),
    };
  }

  private feedOperation(method: string, feed: string, operation: string, body: string): SimResponse {
    const pair = this.headends.filter((h) => h.feed === feed);
    if (pair.length === 0) return error(404, 'Feed not found');
    if (this.faults.forbiddenFeeds?.includes(feed)) return error(403, 'You are not authorized to access this feed.');
    if (operation === 'switchover') {
      if (method === 'GET') return json(200, this.switchoverState(feed, pair));
      if (method === 'POST') return this.startSwitchover(feed, pair, parseBody(body) ?? {});
    }
    if (operation === 'fix' && method === 'POST') return this.startFix(feed, pair, parseBody(body) ?? {});
    return error(404, 'Not found');
  }

  private switchoverState(feed: string, pair: Headend[]): Record<string, unknown> {
    const active = pair.find((h) => h.onAir)?.code ?? null;
    const current = this.switchovers.get(feed);
    if (!current) {
      return { switchover_id: null, status: 'idle', active_headend: active, from_headend: null, to_headend: null, started_at: null, completed_at: null, message: null };
    }
    return { ...this.switchoverJson(current), active_headend: active };
  }

  private switchoverJson(s: Switchover): Record<string, unknown> {
    return {
      switchover_id: s.id,
      feed_code: s.feed,
      status: s.status,
      from_headend: s.from,
      to_headend: s.to,
      started_at: isoTime(s.startedAt),
      completed_at: s.completedAt === null ? null : isoTime(s.completedAt),
      message: s.message,
    };
  }

  private running(feed: string): boolean {
    const current = this.switchovers.get(feed);
    return current !== undefined && (current.status === 'initiated' || current.status === 'in_progress');
  }

  private startSwitchover(feed: string, pair: Headend[], body: Record<string, unknown>): SimResponse {
    if (this.running(feed)) return error(409, `A switchover is already in progress for ${feed}`);
    const active = pair.find((h) => h.onAir) ?? pair[0];
    const target = this.chooseTarget(pair, active, body.target_headend, body.target_role);
    if (typeof target === 'string') return error(422, target);
    if (target === active) return error(422, `Target headend ${target.code} is already on air`);
    if (healthOf(target) !== 'healthy') return error(422, `Target headend ${target.code} is ${healthOf(target)}`);
    const switchover: Switchover = {
      id: `sw_${this.sequence++}`,
      feed,
      from: active.code,
      to: target.code,
      status: 'initiated',
      startedAt: this.simNow,
      completedAt: null,
      message: 'switchover requested',
      outcome: this.faults.hangSwitchover ? 'never' : this.faults.failSwitchover ? 'fail' : 'complete',
    };
    this.switchovers.set(feed, switchover);
    return json(202, { switchover_id: switchover.id, status: switchover.status, from_headend: switchover.from, to_headend: switchover.to });
  }

  /** The headend a request names, or the reason it names none that exists. */
  private chooseTarget(pair: Headend[], active: Headend, headendCode: unknown, role: unknown): Headend | string {
    if (headendCode !== undefined && headendCode !== null && headendCode !== '') {
      return pair.find((h) => h.code === headendCode) ?? `Unknown target headend ${String(headendCode)}`;
    }
    if (role !== undefined && role !== null) {
      return pair.find((h) => h.role === role) ?? `Unknown target role ${String(role)}`;
    }
    return pair.find((h) => h !== active) ?? active;
  }

  private startFix(feed: string, pair: Headend[], body: Record<string, unknown>): SimResponse {
    if (this.running(feed)) return error(409, `A switchover is in progress for ${feed}`);
    const code = body.headend_code;
    const target = code ? pair.find((h) => h.code === code) : pair.find((h) => !h.onAir);
    if (!target) return error(422, `Unknown headend ${String(code)}`);
    target.player = 'starting';
    target.fixDoneAt = this.simNow + this.fixMs;
    target.updatedAt = this.simNow;
    return json(202, { action_id: `fx_${this.sequence++}`, status: 'accepted', actions: ['restart_player', 'resync_assets'] });
  }

  private listIncidents(query: URLSearchParams): SimResponse {
    const limit = Number(query.get('limit'));
    if (!query.has('limit') || !Number.isInteger(limit) || limit <= 0) return error(400, 'limit is required');
    const offset = Math.max(0, Number(query.get('offset')) || 0);
    const feed = query.get('feed_code');
    const newestFirst = this.incidents.filter((i) => !feed || i.feed === feed).reverse();
    return json(200, {
      total: newestFirst.length,
      incidents: newestFirst.slice(offset, offset + limit).map((i) => ({
        id: i.id,
        created_at: isoTime(i.createdAt),
        resolved_at: i.resolvedAt === null ? null : isoTime(i.resolvedAt),
        severity: i.severity,
        state: i.state,
        type: i.type,
        feed_code: i.feed,
        headend_code: i.headend,
        description: i.description,
      })),
    });
  }

  /** Moves switchovers and fixes along to the current simulated time. */
  private settle(): void {
    for (const s of this.switchovers.values()) this.settleSwitchover(s);
    for (const h of this.headends) {
      if (h.fixDoneAt !== undefined && h.fixDoneAt <= this.simNow) {
        Object.assign(h, { player: 'running', playout: 'media', agent: 1, updatedAt: h.fixDoneAt, fixDoneAt: undefined });
        this.resolveIncidents(h.code, h.updatedAt);
        this.record('info', 'fix_completed', h, `fix completed on ${h.code}: player restarted, assets resynced`, h.updatedAt, true);
      }
    }
  }

  private settleSwitchover(s: Switchover): void {
    if (s.status === 'completed' || s.status === 'failed') return;
    const elapsed = this.simNow - s.startedAt;
    const endsAt = s.startedAt + this.switchoverMs;
    if (s.outcome !== 'never' && elapsed >= this.switchoverMs) {
      s.completedAt = endsAt;
      if (s.outcome === 'fail') {
        s.status = 'failed';
        s.message = `standby player on ${s.to} failed to take over`;
        this.record('high', 'switchover_failed', this.headend(s.to), `switchover of ${s.feed} to ${s.to} failed`, endsAt, false);
        return;
      }
      const from = this.headend(s.from);
      const to = this.headend(s.to);
      Object.assign(from, { onAir: false, role: 'backup', updatedAt: endsAt });
      Object.assign(to, { onAir: true, role: 'primary', updatedAt: endsAt });
      s.status = 'completed';
      s.message = `${s.feed} on air from ${s.to}`;
      this.record('info', 'switchover_completed', to, `switchover of ${s.feed} from ${s.from} to ${s.to} completed`, endsAt, true);
      return;
    }
    if (elapsed >= this.switchoverMs * 0.1) {
      s.status = 'in_progress';
      s.message = s.outcome === 'never' ? 'waiting for standby player' : elapsed < this.switchoverMs * 0.5 ? 'starting standby player' : 'stopping main player';
    }
  }

  /** One step of the service's life: troubles start and end, notices appear. */
  private tick(): void {
    for (const h of this.headends) {
      if (h.fixDoneAt !== undefined) continue;
      const troubled = h.playout === 'rescue' || h.playout === 'slate' || h.agent === 0;
      if (troubled) {
        if (this.prng.chance(0.2)) {
          Object.assign(h, { playout: 'media', agent: 1, updatedAt: this.simNow });
          this.resolveIncidents(h.code, this.simNow);
        }
      } else if (this.prng.chance(this.volatility)) {
        this.startTrouble(h);
      } else if (this.prng.chance(this.volatility / 2)) {
        const notice = this.prng.pick(NOTICES);
        this.record(notice.severity, notice.type, h, notice.text, this.simNow, this.prng.chance(0.5));
      }
    }
  }

  private startTrouble(h: Headend): void {
    h.updatedAt = this.simNow;
    const roll = this.prng.next();
    if (!h.onAir && roll < 0.3) {
      h.player = 'stopped';
      this.record('high', 'player_stopped', h, `standby player on ${h.code} stopped; redundancy lost until fixed`, this.simNow, false);
    } else if (roll < 0.45) {
      h.agent = 0;
      this.record('critical', 'agent_offline', h, `device agent on ${h.code} offline`, this.simNow, false);
    } else {
      const trouble = this.prng.pick(TROUBLE);
      h.playout = trouble.playout;
      this.record(trouble.severity, trouble.type, h, trouble.text, this.simNow, false);
    }
  }

  private record(severity: Incident['severity'], type: string, h: Headend, description: string, at: number, resolved: boolean): void {
    this.incidents.push({
      id: `inc_${this.incidents.length + 1}`,
      createdAt: at,
      resolvedAt: resolved ? at : null,
      severity,
      state: resolved ? 'resolved' : 'active',
      type,
      feed: h.feed,
      headend: h.code,
      description,
    });
  }

  private resolveIncidents(headend: string, at: number): void {
    for (const incident of this.incidents) {
      if (incident.headend === headend && incident.state !== 'resolved') {
        incident.state = 'resolved';
        incident.resolvedAt = at;
      }
    }
  }

  /** A day of past incidents, so the Logging page has something to show from the start. */
  private seedHistory(): void {
    const count = 12 + Math.floor(this.prng.next() * 12);
    for (let i = count; i > 0; i -= 1) {
      const at = this.simNow - Math.round((i / count) * 86_400_000);
      const h = this.prng.pick(this.headends);
      const kind = this.prng.chance(0.5) ? this.prng.pick(TROUBLE) : this.prng.pick(NOTICES);
      this.record(kind.severity, kind.type, h, kind.text, at, true);
      this.incidents[this.incidents.length - 1].resolvedAt = at + 60_000 + Math.floor(this.prng.next() * 1_800_000);
    }
  }

  private headend(code: string): Headend {
    const headend = this.headends.find((h) => h.code === code);
    if (!headend) throw new Error(`no headend ${code}`);
    return headend;
  }
}
