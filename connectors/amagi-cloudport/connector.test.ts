import { describe, expect, it } from 'vitest';
import { ActionRefusedError, ConfigError, DeviceHttpError, type ActionDef, type ElementContext, type PollGroupDef, type Value } from '../../src/sdk/index.js';
import connector from './index.js';
import { FakeContext, type FakeAnswer, type FakeRequest } from './test-support/fake-context.js';
import { fixture } from './test-support/fixtures.js';

const CREDENTIALS = { username: 'ops@example.com', password: 'cloudport' };
const NEWS = '/api/v2/service_manager/feeds/acme_news/switchover';

/** Answers each "METHOD path" with the listed fixtures in turn (the last one repeats). */
function scripted(routes: Record<string, string[]>): (request: FakeRequest) => FakeAnswer {
  const served = new Map<string, number>();
  return (request) => {
    const route = `${request.method} ${request.path}`;
    const names = routes[route];
    if (!names) throw new Error(`unexpected request ${route}`);
    const index = served.get(route) ?? 0;
    served.set(route, index + 1);
    return fixture(names[Math.min(index, names.length - 1)]).response;
  };
}

const SIGN_IN = { 'POST /users/sign_in.json': ['sign-in'] };

function context(routes: Record<string, string[]>, params: Record<string, Value> = {}): FakeContext {
  return new FakeContext(connector, scripted({ ...SIGN_IN, ...routes }), { ...CREDENTIALS, ...params });
}

const poll = (id: string): PollGroupDef => connector.polls.find((p) => p.id === id)!;
const action = (id: string): ActionDef => connector.actions.find((a) => a.id === id)!;
const run = (id: string, ctx: ElementContext): Promise<string | void> => action(id).run(ctx, { rows: [], inputs: {}, user: 'alice' });
const signIns = (ctx: FakeContext): number => ctx.http.requests.filter((r) => r.path === '/users/sign_in.json').length;

async function refusal(promise: Promise<unknown>): Promise<ActionRefusedError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ActionRefusedError);
  return error as ActionRefusedError;
}

describe('amagi-cloudport connector', () => {
  it('declares the identifiers of the public contract', () => {
    expect(connector).toMatchObject({ id: 'amagi-cloudport', name: 'Amagi CLOUDPORT Service Manager', vendor: 'Amagi', version: '1.0.0.1' });
    expect(connector.connection).toEqual({ scheme: 'https', port: 443, deviceAddress: 'ByPassProxy' });
    expect(connector.pages.map((p) => p.name)).toEqual(['General', 'Service Monitor', 'Cloudport Control', 'Logging', 'Web Interface']);
    expect(connector.pages.at(-1)?.webInterface).toBe(true);
    expect(connector.params.find((p) => p.id === 'password')).toMatchObject({ secret: true, writable: true, config: true, required: true });
    expect(connector.actions.filter((a) => a.destructive).map((a) => a.id)).toEqual(['switchover', 'fix']);
  });

  it('refuses to run without credentials, naming them', async () => {
    const ctx = new FakeContext(connector, scripted({}), {});
    await expect(connector.init!(ctx)).rejects.toThrow(new ConfigError('Username and Password not set'));
  });

  it('signs in once, sends the token, masks it and shows customer, health and the request status', async () => {
    const ctx = context({ 'GET /api/v2/status/version': ['version'], 'GET /api/v2/service_manager/summary': ['summary'] });
    await poll('account').run(ctx);
    await poll('account').run(ctx);
    expect(signIns(ctx)).toBe(1);
    expect(ctx.http.requests[0].body).toEqual({ user: { email: 'ops@example.com', password: 'cloudport' } });
    const token = (fixture('sign-in').response.body as { authentication_token: string }).authentication_token;
    expect(ctx.http.requests[1].headers['x-user-token']).toBe(token);
    expect(ctx.http.masked).toEqual([token]);
    expect(ctx.param('customerName')).toBe('acme');
    expect(ctx.param('healthStatus')).toBe('degraded');
    expect(ctx.param('servicesUnhealthy')).toBe(5);
    expect(ctx.param('httpRequestStatus')).toBe('200 OK');
  });

  it('signs in again once on a 401 and retries the request once', async () => {
    const ctx = context({ 'GET /api/v2/service_manager/services': ['unauthorized', 'services'] });
    await poll('services').run(ctx);
    expect(signIns(ctx)).toBe(2);
    expect(ctx.rows('cloudportServices')).toHaveLength(8);
  });

  it('gives up after the retry is refused too, without a third sign-in', async () => {
    const ctx = context({ 'GET /api/v2/service_manager/services': ['unauthorized'] });
    await expect(poll('services').run(ctx)).rejects.toBeInstanceOf(DeviceHttpError);
    expect(signIns(ctx)).toBe(2);
    expect(ctx.param('httpRequestStatus')).toBe('401 Unauthorized');
  });

  it('puts wrong credentials down as a configuration error: sign-in rejected', async () => {
    const ctx = new FakeContext(connector, scripted({ 'POST /users/sign_in.json': ['sign-in-rejected'] }), { ...CREDENTIALS, password: 'wrong' });
    await expect(poll('services').run(ctx)).rejects.toThrow(new ConfigError('sign-in rejected: Invalid Email or password.'));
    expect(ctx.http.requests).toHaveLength(1);
  });

  it('reports an account or services answer only when it differs from the one it last reported', async () => {
    const ctx = context({
      'GET /api/v2/status/version': ['version'],
      'GET /api/v2/service_manager/summary': ['summary'],
      'GET /api/v2/service_manager/services': ['services', 'services', 'services-after-switchover'],
    }, { switchoverFeed: 'acme_news' });
    await poll('account').run(ctx);
    await poll('services').run(ctx);
    // Values changed behind the polls' back show that a repeated answer is skipped.
    ctx.params.set('customerName', 'stale');
    ctx.params.set('healthStatus', 'stale');
    ctx.tables.set('cloudportServices', []);
    await poll('account').run(ctx);
    await poll('services').run(ctx);
    expect(ctx.param('customerName')).toBe('stale');
    expect(ctx.param('healthStatus')).toBe('stale');
    expect(ctx.rows('cloudportServices')).toEqual([]);
    await poll('services').run(ctx);
    expect(ctx.rows('cloudportServices')).toHaveLength(8);
    expect(ctx.param('activeHeadend')).toBe('acme_news_002');
  });

  it('fills Cloudport Services and shows the active headend of the chosen feed', async () => {
    const ctx = context({ 'GET /api/v2/service_manager/services': ['services', 'services-after-switchover'] }, { switchoverFeed: 'acme_news' });
    await poll('services').run(ctx);
    expect(ctx.row('cloudportServices', 'acme_news_001')?.cells).toMatchObject({ name: 'Acme News Main', role: 'primary', onAir: true });
    expect(ctx.param('activeHeadend')).toBe('acme_news_001');
    await poll('services').run(ctx);
    expect(ctx.param('activeHeadend')).toBe('acme_news_002');
    await connector.params.find((p) => p.id === 'switchoverFeed')!.onSet!(ctx, null);
    expect(ctx.param('activeHeadend')).toBeNull();
  });

  it('polls the switchover status only while the flag is on, and the normal groups only while it is off', () => {
    const ctx = context({});
    const active = (): string[] => connector.polls.filter((p) => p.activeWhen?.(ctx) ?? true).map((p) => p.id);
    expect(active()).toEqual(['account', 'services']);
    ctx.setParams({ pollSwitchoverStatusFlag: true });
    expect(active()).toEqual(['switchoverStatus']);
    expect(poll('switchoverStatus').interval).toBe(2000);
  });

  describe('Switchover', () => {
    it('is refused without a feed, before asking the device', async () => {
      const ctx = context({});
      const error = await refusal(run('switchover', ctx));
      expect(error).toMatchObject({ status: 422, field: 'switchoverFeed' });
      expect(error.message).toContain('Switchover Feed');
      expect(ctx.http.requests).toHaveLength(0);
    });

    it('starts, turns the flag on, follows the status and turns the flag off when completed', async () => {
      const ctx = context(
        { [`POST ${NEWS}`]: ['switchover-started'], [`GET ${NEWS}`]: ['switchover-in-progress', 'switchover-completed'] },
        { switchoverFeed: 'acme_news' },
      );
      expect(await run('switchover', ctx)).toBe('Switchover sw_90 of acme_news to acme_news_002 started');
      expect(ctx.http.requests.at(-1)?.body).toEqual({ target_role: 'backup', reason: 'manual' });
      expect(ctx.params.get('pollSwitchoverStatusFlag')).toBe(true);
      expect(ctx.param('switchoverStatus')).toBe('initiated');
      expect(ctx.param('switchoverStartedAt')).toBe(ctx.now);
      await poll('switchoverStatus').run(ctx);
      expect(ctx.param('switchoverStatus')).toBe('in_progress');
      expect(ctx.param('pollSwitchoverStatusFlag')).toBe(true);
      expect(ctx.polledNow).toEqual([]);
      await poll('switchoverStatus').run(ctx);
      expect(ctx.param('switchoverStatus')).toBe('completed');
      expect(ctx.param('activeHeadend')).toBe('acme_news_002');
      expect(ctx.param('switchoverCompletedAt')).toBe(Date.parse('2026-03-09T11:00:06Z'));
      expect(ctx.param('pollSwitchoverStatusFlag')).toBe(false);
      expect(ctx.polledNow).toContain('services');
    });

    it('names the target headend when one is chosen', async () => {
      const ctx = context({ [`POST ${NEWS}`]: ['switchover-started'] }, { switchoverFeed: 'acme_news', switchoverTarget: 'acme_news_002' });
      await run('switchover', ctx);
      expect(ctx.http.requests.at(-1)?.body).toEqual({ target_headend: 'acme_news_002', reason: 'manual' });
    });

    it('turns the flag off when the switchover fails', async () => {
      const ctx = context({ 'GET /api/v2/service_manager/feeds/acme_sports/switchover': ['switchover-failed'] }, { switchoverFeed: 'acme_sports', pollSwitchoverStatusFlag: true, switchoverStartedAt: Date.parse('2026-03-09T11:00:09Z') });
      await poll('switchoverStatus').run(ctx);
      expect(ctx.param('switchoverStatus')).toBe('failed');
      expect(ctx.param('switchoverMessage')).toContain('failed to take over');
      expect(ctx.param('pollSwitchoverStatusFlag')).toBe(false);
    });

    it('stops watching a switchover that does not finish in time', async () => {
      const ctx = context({ [`POST ${NEWS}`]: ['switchover-started'], [`GET ${NEWS}`]: ['switchover-in-progress'] }, { switchoverFeed: 'acme_news', switchoverTimeout: 10 });
      await run('switchover', ctx);
      ctx.now += 8_000;
      await poll('switchoverStatus').run(ctx);
      expect(ctx.param('pollSwitchoverStatusFlag')).toBe(true);
      ctx.now += 2_000;
      const requestsBefore = ctx.http.requests.length;
      await poll('switchoverStatus').run(ctx);
      expect(ctx.param('pollSwitchoverStatusFlag')).toBe(false);
      expect(ctx.param('switchoverMessage')).toBe('switchover timed out');
      expect(ctx.http.requests).toHaveLength(requestsBefore);
    });

    it.each([
      ['switchover-conflict', 409, 'switchoverFeed', 'already in progress'],
      ['switchover-unhealthy-target', 422, 'switchoverTarget', 'unhealthy'],
      ['feed-not-found', 404, 'switchoverFeed', 'not known'],
    ])('passes the device refusal %s on as %i', async (name, status, field, text) => {
      const ctx = context({ [`POST ${NEWS}`]: [name] }, { switchoverFeed: 'acme_news' });
      const error = await refusal(run('switchover', ctx));
      expect(error).toMatchObject({ status, field });
      expect(error.message).toContain(text);
      expect(ctx.param('pollSwitchoverStatusFlag')).toBe(false);
    });
  });

  describe('Fix', () => {
    it('is refused without a feed', async () => {
      expect(await refusal(run('fix', context({})))).toMatchObject({ status: 422, field: 'switchoverFeed' });
    });

    it('asks the device to fix the standby and refreshes the services', async () => {
      const ctx = context({ 'POST /api/v2/service_manager/feeds/acme_movies/fix': ['fix'] }, { switchoverFeed: 'acme_movies' });
      expect(await run('fix', ctx)).toBe('Fix of acme_movies accepted: restart_player, resync_assets');
      expect(ctx.http.requests.at(-1)?.body).toEqual({});
      expect(ctx.polledNow).toEqual(['services']);
    });

    it('passes a refusal on', async () => {
      const ctx = context({ 'POST /api/v2/service_manager/feeds/acme_news/fix': ['switchover-conflict'] }, { switchoverFeed: 'acme_news' });
      expect(await refusal(run('fix', ctx))).toMatchObject({ status: 409 });
    });
  });

  describe('Retrieve Logs', () => {
    it('is refused with 422 naming Max Logs while Max Logs has no value', async () => {
      const ctx = context({});
      const error = await refusal(run('retrieveLogs', ctx));
      expect(error).toMatchObject({ status: 422, field: 'maxLogs' });
      expect(error.message).toContain('Max Logs');
      expect(ctx.http.requests).toHaveLength(0);
    });

    it('fills Incident History Logs with at most Max Logs entries', async () => {
      const ctx = context({ 'GET /api/v2/service_manager/incidents': ['incidents'] }, { maxLogs: 3 });
      expect(await run('retrieveLogs', ctx)).toMatch(/^Retrieved 3 of \d+ incidents$/);
      expect(ctx.http.requests.at(-1)?.query).toEqual({ limit: '3', offset: '0' });
      expect(ctx.rows('incidentHistoryLogs')).toHaveLength(3);
    });
  });
});
