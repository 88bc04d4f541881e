import { describe, expect, it } from 'vitest';
import { CloudportModel, type ModelOptions } from './cloudport-model.js';
import type { SimResponse } from './responses.js';
import { handleControl } from './sim-control.js';

const T0 = Date.parse('2026-03-09T10:00:00Z');
const NEWS = '/api/v2/service_manager/feeds/acme_news/switchover';

class Client {
  token = '';
  constructor(readonly model: CloudportModel) {}

  call(method: string, pathAndQuery: string, body?: unknown, headers: Record<string, string> = {}): { status: number; json: any; answer: SimResponse } {
    const url = new URL(pathAndQuery, 'http://sim');
    const answer = this.model.handle({
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: { ...(this.token ? { 'x-user-token': this.token } : {}), ...headers },
      body: body === undefined ? '' : JSON.stringify(body),
    });
    let json: unknown;
    try {
      json = JSON.parse(answer.body);
    } catch {
      json = undefined;
    }
    return { status: answer.status, json, answer };
  }

  signIn(password = 'cloudport'): number {
    const { status, json } = this.call('POST', '/users/sign_in.json', { user: { email: 'ops@example.com', password } });
    if (status === 200) this.token = json.authentication_token;
    return status;
  }

  control(method: string, path: string, body?: unknown): any {
    return JSON.parse(handleControl(this.model, { method, path, query: new URLSearchParams(), headers: {}, body: body === undefined ? '' : JSON.stringify(body) }, this.model.now).body);
  }
}

function signedIn(options: ModelOptions = {}): Client {
  const client = new Client(new CloudportModel({ seed: 5, now: T0, volatility: 0, switchoverMs: 10_000, ...options }));
  expect(client.signIn()).toBe(200);
  return client;
}

const services = (client: Client): any[] => client.call('GET', '/api/v2/service_manager/services').json.services;
const byId = (client: Client, id: string): any => services(client).find((s) => s.id === id);

describe('simulated CLOUDPORT service', () => {
  it('signs in with email and password and rejects wrong ones as documented', () => {
    const client = new Client(new CloudportModel({ seed: 5, now: T0 }));
    expect(client.call('POST', '/users/sign_in.json', { user: { email: 'ops@example.com', password: 'nope' } })).toMatchObject({ status: 401, json: { error: 'Invalid Email or password.' } });
    expect(client.signIn()).toBe(200);
    expect(client.call('POST', '/users/sign_in.json', { user: { email: 'ops@example.com', password: 'cloudport' } }).json).toMatchObject({ id: 12, email: 'ops@example.com' });
    expect(client.model.counters).toMatchObject({ signInAttempts: 3, signInFailures: 1 });
  });

  it('asks for a token on the API, accepts the legacy ?token= and expires tokens', () => {
    const client = signedIn({ tokenTtlMs: 60_000 });
    const token = client.token;
    client.token = '';
    expect(client.call('GET', '/api/v2/status/version')).toMatchObject({ status: 401, json: { error: 'You need to sign in or sign up before continuing.' } });
    expect(client.call('GET', `/api/v2/status/version?token=${token}`).status).toBe(200);
    client.token = token;
    client.model.advance(T0 + 59_000);
    expect(client.call('GET', '/api/v2/status/version').status).toBe(200);
    client.model.advance(T0 + 60_000);
    expect(client.call('GET', '/api/v2/status/version').status).toBe(401);
  });

  it('answers version, summary, /status and the web interface', () => {
    const client = signedIn();
    expect(client.call('GET', '/api/v2/status/version').json).toMatchObject({ customer: 'acme', deployed_versions: { playout: { acme_news_001: 'v8.20.38-1' } } });
    expect(client.call('GET', '/api/v2/service_manager/summary').json).toEqual({ customer: 'acme', health_status: 'healthy', services_total: 8, services_unhealthy: 0 });
    client.token = '';
    expect(client.call('GET', '/status').answer.body).toBe('ok');
    const page = client.call('GET', '/').answer;
    expect(page.contentType).toContain('text/html');
    expect(page.body).toContain('Acme News Main');
  });

  it('has several feeds, each with a primary on air and a backup in another region', () => {
    const list = services(signedIn());
    const feeds = new Set(list.map((s) => s.feed_code));
    expect(feeds.size).toBe(4);
    for (const feed of feeds) {
      const [primary, backup] = ['primary', 'backup'].map((role) => list.find((s) => s.feed_code === feed && s.role === role));
      expect(primary).toMatchObject({ on_air: true, player_status: 'running', health_status: 'healthy', agent_health: 1 });
      expect(backup).toMatchObject({ on_air: false });
      expect(backup.region).not.toBe(primary.region);
    }
  });

  it('changes health, player and playout over time and records incidents, the same way for the same seed', () => {
    const run = (): { services: unknown; total: number } => {
      const client = signedIn({ volatility: 0.05, tokenTtlMs: 86_400_000 });
      client.model.advance(T0 + 3_600_000);
      return { services: services(client), total: client.call('GET', '/api/v2/service_manager/incidents?limit=1').json.total };
    };
    const first = run();
    const statuses = (first.services as any[]).map((s) => `${s.player_status}/${s.playout_status}/${s.health_status}/${s.agent_health}`);
    expect(new Set(statuses).size).toBeGreaterThan(1);
    expect(run()).toEqual(first);
  });

  it('runs a switchover initiated → in_progress → completed and flips the roles', () => {
    const client = signedIn();
    expect(client.call('GET', NEWS).json).toMatchObject({ status: 'idle', active_headend: 'acme_news_001' });
    expect(client.call('POST', NEWS, { target_role: 'backup', reason: 'manual' })).toMatchObject({
      status: 202,
      json: { status: 'initiated', from_headend: 'acme_news_001', to_headend: 'acme_news_002' },
    });
    expect(client.call('POST', NEWS, {})).toMatchObject({ status: 409, json: { error: expect.stringContaining('already in progress') } });
    client.model.advance(T0 + 3_000);
    expect(client.call('GET', NEWS).json).toMatchObject({ status: 'in_progress', active_headend: 'acme_news_001', completed_at: null });
    client.model.advance(T0 + 10_000);
    expect(client.call('GET', NEWS).json).toMatchObject({ status: 'completed', active_headend: 'acme_news_002', completed_at: '2026-03-09T10:00:10Z' });
    expect(byId(client, 'acme_news_002')).toMatchObject({ role: 'primary', on_air: true });
    expect(byId(client, 'acme_news_001')).toMatchObject({ role: 'backup', on_air: false });
  });

  it('refuses unknown feeds, unknown or unhealthy targets and feeds without rights', () => {
    const client = signedIn();
    expect(client.call('POST', '/api/v2/service_manager/feeds/nope/switchover', {})).toMatchObject({ status: 404, json: { error: 'Feed not found' } });
    expect(client.call('POST', NEWS, { target_headend: 'acme_sports_002' }).status).toBe(422);
    expect(client.call('POST', NEWS, { target_headend: 'acme_news_001' })).toMatchObject({ status: 422, json: { error: expect.stringContaining('already on air') } });
    client.control('POST', '/_sim/headends/acme_news_002', { player: 'stopped' });
    expect(client.call('POST', NEWS, {})).toMatchObject({ status: 422, json: { error: 'Target headend acme_news_002 is unhealthy' } });
    client.control('POST', '/_sim/faults', { forbiddenFeeds: ['acme_news'] });
    expect(client.call('GET', NEWS)).toMatchObject({ status: 403, json: { error: expect.stringContaining('not authorized') } });
  });

  it('fails or never finishes a switchover when told to', () => {
    const client = signedIn();
    client.control('POST', '/_sim/faults', { failSwitchover: true });
    client.call('POST', NEWS, {});
    client.model.advance(T0 + 10_000);
    expect(client.call('GET', NEWS).json).toMatchObject({ status: 'failed', active_headend: 'acme_news_001' });
    expect(byId(client, 'acme_news_001')).toMatchObject({ role: 'primary', on_air: true });
    client.control('POST', '/_sim/faults', { failSwitchover: false, hangSwitchover: true });
    client.call('POST', NEWS, {});
    client.model.advance(T0 + 1_800_000);
    expect(client.call('GET', NEWS).json).toMatchObject({ status: 'in_progress', message: 'waiting for standby player' });
  });

  it('fixes the standby: the player restarts and its incidents are resolved', () => {
    const client = signedIn({ fixMs: 2_000 });
    client.control('POST', '/_sim/headends/acme_news_002', { player: 'stopped' });
    expect(byId(client, 'acme_news_002').health_status).toBe('unhealthy');
    expect(client.call('POST', '/api/v2/service_manager/feeds/acme_news/fix', {})).toMatchObject({ status: 202, json: { status: 'accepted', actions: ['restart_player', 'resync_assets'] } });
    expect(byId(client, 'acme_news_002').player_status).toBe('starting');
    client.model.advance(T0 + 2_000);
    expect(byId(client, 'acme_news_002')).toMatchObject({ player_status: 'running', health_status: 'healthy' });
    expect(client.call('POST', '/api/v2/service_manager/feeds/acme_news/fix', { headend_code: 'x' }).status).toBe(422);
  });

  it('pages the incident history and insists on a limit', () => {
    const client = signedIn();
    for (const query of ['', '?limit=0', '?limit=-3', '?limit=abc']) {
      expect(client.call('GET', `/api/v2/service_manager/incidents${query}`)).toMatchObject({ status: 400, json: { error: 'limit is required' } });
    }
    const all = client.call('GET', '/api/v2/service_manager/incidents?limit=1000').json;
    const page = client.call('GET', '/api/v2/service_manager/incidents?limit=3&offset=2').json;
    expect(page.total).toBe(all.total);
    expect(page.incidents.map((i: any) => i.id)).toEqual(all.incidents.slice(2, 5).map((i: any) => i.id));
    const news = client.call('GET', '/api/v2/service_manager/incidents?limit=1000&feed_code=acme_news').json.incidents;
    expect(news.every((i: any) => i.feed_code === 'acme_news')).toBe(true);
  });

  it('injects failures, revokes tokens, moves time and clears faults', () => {
    const client = signedIn();
    client.control('POST', '/_sim/faults', { status: 503, retryAfter: 7 });
    expect(client.call('GET', '/api/v2/status/version').answer).toMatchObject({ status: 503, headers: { 'retry-after': '7' } });
    client.control('POST', '/_sim/faults', { status: 500 });
    expect(client.call('GET', '/api/v2/status/version').status).toBe(500);
    client.control('DELETE', '/_sim/faults');
    client.control('POST', '/_sim/faults', { malformedJson: true, latencyMs: 250 });
    const malformed = client.call('GET', '/api/v2/service_manager/summary');
    expect(malformed.json).toBeUndefined();
    expect(malformed.answer.delayMs).toBe(250);
    client.control('POST', '/_sim/faults', { malformedJson: false, latencyMs: 0, hang: true });
    expect(client.call('GET', '/status').answer.hang).toBe(true);
    client.control('POST', '/_sim/faults/clear');
    client.control('POST', '/_sim/revoke-tokens');
    expect(client.call('GET', '/api/v2/status/version').status).toBe(401);
    expect(client.control('POST', '/_sim/faults', { explode: true })).toEqual({ error: expect.stringContaining('unknown fault explode') });
    expect(client.control('POST', '/_sim/faults', { latencyMs: 'slow' })).toEqual({ error: 'latencyMs must be a number ≥ 0' });
    expect(client.control('POST', '/_sim/faults', { status: 502 })).toEqual({ error: 'status must be 500 or 503' });
    expect(client.control('POST', '/_sim/headends/acme_news_002', { player: 'exploded' })).toEqual({ error: expect.stringContaining('player must be one of running') });
    expect(client.control('POST', '/_sim/headends/nope', { agent: 0 })).toEqual({ error: 'Headend not found' });
    expect(client.control('POST', '/_sim/advance', { ms: 60_000 }).now).toBe('2026-03-09T10:01:00Z');
    expect(client.control('GET', '/_sim/state')).toMatchObject({ customer: 'acme', activeTokens: 0, counters: { unauthorized: 1 } });
  });
});
