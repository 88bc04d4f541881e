/**
 * Amagi CLOUDPORT end to end: Tally (createTally, HTTP API through inject) polling the
 * simulator over HTTPS with its self-signed certificate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASK } from '../src/runtime/secret-masker.js';
import { DETAILS_KEPT } from '../src/runtime/stream-viewer.js';
import type { LiveMessage } from '../src/runtime/views.js';
import { startHarness, until, type Harness } from './amagi-support.js';

const USERNAME = 'noc@acme.tv';
const PASSWORD = 'e2e-cloudport-pass';
let h: Harness;
let id: string;

const fastPolling = { account: 1000, services: 300, switchoverStatus: 300 };

async function createElement(name: string, params: Record<string, unknown>): Promise<string> {
  const created = await h.api('POST', '/api/elements', { name, connector: 'amagi-cloudport', connection: h.sim.elementTemplate.connection, params, pollIntervals: fastPolling });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

const element = async (elementId = id): Promise<any> => (await h.api('GET', `/api/elements/${elementId}`)).body;
const param = async (paramId: string, elementId = id): Promise<any> => (await h.api('GET', `/api/elements/${elementId}/params/${paramId}`)).body.value;
const setParam = async (paramId: string, value: unknown): Promise<void> => {
  const answer = await h.api('PUT', `/api/elements/${id}/params/${paramId}`, { value });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
};
const rows = async (tableId: string): Promise<any[]> => (await h.api('GET', `/api/elements/${id}/tables/${tableId}`)).body.rows;
const row = async (key: string): Promise<any> => (await rows('cloudportServices')).find((r) => r.key === key);
const act = (actionId: string): Promise<{ status: number; body: any }> => h.api('POST', `/api/elements/${id}/actions/${actionId}`, {});
const counters = async (): Promise<{ signInAttempts: number; signInFailures: number; unauthorized: number }> => (await h.control('GET', '/_sim/state')).counters;

beforeAll(async () => {
  h = await startHarness({ username: USERNAME, password: PASSWORD, tokenTtl: 2, switchoverMs: 1500, fixMs: 600 });
  id = await createElement('Acme CLOUDPORT', { username: USERNAME, password: PASSWORD });
  await until('the element to be active', async () => (await element()).state === 'active');
});

afterAll(async () => {
  await h?.close();
});

describe('Amagi CLOUDPORT through Tally', () => {
  it('signs in and shows the account, its health and every service', async () => {
    await until('the customer name', () => param('customerName'));
    expect(await param('customerName')).toBe('acme');
    // The health comes from the account poll's next request, a moment after the name.
    await until('the health', async () => (await param('healthStatus')) !== 'unknown');
    expect(await param('healthStatus')).toBe('healthy');
    expect(await param('httpRequestStatus')).toBe('200 OK');
    const password = (await h.api('GET', `/api/elements/${id}/params/password`)).body;
    expect(password).toMatchObject({ value: null, secret: true, isSet: true });
    const services = await until('the services', async () => ((await rows('cloudportServices')).length === 8 ? rows('cloudportServices') : undefined));
    expect(services.find((r) => r.key === 'acme_news_001')).toMatchObject({
      displayKey: 'Acme News Main',
      cells: { feed: 'acme_news', headend: 'acme_news_001', role: 'primary', onAir: true, playerStatus: 'running', playoutStatus: 'media', health: 'healthy', agentHealth: 1 },
    });
    expect(services.find((r) => r.key === 'acme_news_002')?.cells).toMatchObject({ role: 'backup', onAir: false });
  });

  it('keeps the token and the password out of the stream viewer', async () => {
    // Tokens live 2 s here, so a sign-in soon is among the newest exchanges, the ones kept with headers and bodies.
    // Read every time round, the viewer is watched: what it records from the first read on keeps its details.
    const kept = (e: any): boolean => typeof e.responseBody === 'string' && !e.responseBody.includes('not kept');
    const isSignIn = (e: any): boolean => e.url.endsWith('/users/sign_in.json') && e.status === 200 && kept(e);
    const isPoll = (e: any): boolean => e.url.includes('/api/v2/service_manager/services') && kept(e);
    const entries: any[] = await until('a sign-in and a poll kept whole in the stream viewer', async () => {
      const recent: any[] = (await h.api('GET', `/api/elements/${id}/stream`)).body.entries;
      const whole = recent.slice(-DETAILS_KEPT);
      return whole.some(isSignIn) && whole.some(isPoll) ? recent : undefined;
    });
    expect(JSON.stringify(entries)).not.toContain(PASSWORD);
    expect(JSON.stringify(entries)).not.toMatch(/[0-9a-f]{20}/);
    const whole = entries.slice(-DETAILS_KEPT);
    expect(whole.find(isSignIn).responseBody).toContain(`"authentication_token":"${MASK}"`);
    expect(whole.find(isPoll).requestHeaders['x-user-token']).toBe(MASK);
  });

  it('signs in again silently when the token expires, staying active', async () => {
    const states: string[] = [];
    const stop = h.tally.bus.subscribe((message: LiveMessage) => {
      if (message.type === 'element' && message.element.id === id) states.push(message.element.state);
    });
    const before = await counters();
    await until('two token expiries', async () => (await counters()).unauthorized >= before.unauthorized + 2, 10_000);
    stop();
    const after = await counters();
    expect(after.signInAttempts - before.signInAttempts).toBeGreaterThanOrEqual(2);
    expect(after.signInFailures).toBe(before.signInFailures);
    expect(states.filter((state) => state !== 'active')).toEqual([]);
    expect((await element()).state).toBe('active');
  });

  it('signs in again once when the service revokes its tokens', async () => {
    await h.control('POST', '/_sim/revoke-tokens');
    const before = await counters();
    await until('a new sign-in', async () => (await counters()).signInAttempts > before.signInAttempts);
    await until('a fresh poll', async () => (await param('httpRequestStatus')) === '200 OK');
    expect((await element()).state).toBe('active');
  });

  it('switches a feed over: flag on, status followed, flag off, roles flipped', async () => {
    await setParam('switchoverFeed', 'acme_news');
    expect(await until('the active headend', () => param('activeHeadend'))).toBe('acme_news_001');
    const flags: boolean[] = [];
    const stop = h.tally.bus.subscribe((message: LiveMessage) => {
      if (message.type !== 'params' || message.elementId !== id) return;
      const flag = message.params.find((p) => p.id === 'pollSwitchoverStatusFlag');
      if (flag) flags.push(flag.value as boolean);
    });
    const answer = await act('switchover');
    expect(answer).toMatchObject({ status: 200, body: { ok: true, message: expect.stringContaining('acme_news to acme_news_002') } });
    expect(await param('pollSwitchoverStatusFlag')).toBe(true);
    expect(await param('switchoverStatus')).toBe('initiated');
    await until('the switchover to complete', async () => (await param('switchoverStatus')) === 'completed', 10_000);
    await until('the flag to go off', async () => (await param('pollSwitchoverStatusFlag')) === false);
    stop();
    expect(flags[0]).toBe(true);
    expect(flags.at(-1)).toBe(false);
    expect(await param('activeHeadend')).toBe('acme_news_002');
    expect(await param('switchoverCompletedAt')).toBeGreaterThan(await param('switchoverStartedAt'));
    await until('the roles to flip in the table', async () => (await row('acme_news_002'))?.cells.role === 'primary');
    expect((await row('acme_news_002')).cells).toMatchObject({ role: 'primary', onAir: true });
    expect((await row('acme_news_001')).cells).toMatchObject({ role: 'backup', onAir: false });
  });

  it('reports a failed switchover and leaves the roles alone', async () => {
    await h.control('POST', '/_sim/faults', { failSwitchover: true });
    await setParam('switchoverFeed', 'acme_sports');
    expect((await act('switchover')).status).toBe(200);
    await until('the switchover to fail', async () => (await param('switchoverStatus')) === 'failed', 10_000);
    await until('the flag to go off', async () => (await param('pollSwitchoverStatusFlag')) === false);
    expect(await param('switchoverMessage')).toContain('failed to take over');
    expect(await param('activeHeadend')).toBe('acme_sports_001');
    expect((await row('acme_sports_001')).cells).toMatchObject({ role: 'primary', onAir: true });
    await h.control('DELETE', '/_sim/faults');
  });

  it('refuses a second switchover while one runs (409) and stops watching one that never ends', async () => {
    await h.control('POST', '/_sim/faults', { hangSwitchover: true });
    await setParam('switchoverTimeout', 2);
    await setParam('switchoverFeed', 'acme_movies');
    expect((await act('switchover')).status).toBe(200);
    const again = await act('switchover');
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('already in progress');
    await until('the watch to time out', async () => (await param('pollSwitchoverStatusFlag')) === false, 8_000);
    expect(await param('switchoverMessage')).toBe('switchover timed out');
    await h.control('DELETE', '/_sim/faults');
    await setParam('switchoverTimeout', 300);
  });

  it('refuses a switchover to an unhealthy standby (422), and Fix brings the standby back', async () => {
    await h.control('POST', '/_sim/headends/acme_kids_002', { player: 'stopped' });
    await until('the standby to show unhealthy', async () => (await row('acme_kids_002'))?.cells.health === 'unhealthy');
    await setParam('switchoverFeed', 'acme_kids');
    const refused = await act('switchover');
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ field: 'switchoverTarget', message: expect.stringContaining('acme_kids_002 is unhealthy') });
    expect(await param('pollSwitchoverStatusFlag')).toBe(false);
    const fixed = await act('fix');
    expect(fixed).toMatchObject({ status: 200, body: { ok: true, message: 'Fix of acme_kids accepted: restart_player, resync_assets' } });
    await until('the standby to be healthy again', async () => (await row('acme_kids_002'))?.cells.health === 'healthy', 8_000);
    expect((await row('acme_kids_002')).cells.playerStatus).toBe('running');
  });

  it('clears the switchover target with an empty value, so the standby is the target again', async () => {
    await setParam('switchoverTarget', 'acme_kids_002');
    expect(await param('switchoverTarget')).toBe('acme_kids_002');
    await setParam('switchoverTarget', '');
    expect(await param('switchoverTarget')).toBeNull();
  });

  it('refuses Switchover and Fix without a feed', async () => {
    await setParam('switchoverFeed', null);
    for (const actionId of ['switchover', 'fix']) {
      const refused = await act(actionId);
      expect(refused.status).toBe(422);
      expect(refused.body.error).toMatchObject({ field: 'switchoverFeed', message: expect.stringContaining('Switchover Feed') });
    }
  });

  it('refuses Retrieve Logs without Max Logs (422 naming Max Logs), then fills at most Max Logs entries', async () => {
    const refused = await act('retrieveLogs');
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ field: 'maxLogs', message: expect.stringContaining('Max Logs') });
    expect((await h.api('PUT', `/api/elements/${id}/params/maxLogs`, { value: 0 })).status).toBe(400);
    await setParam('maxLogs', 4);
    const retrieved = await act('retrieveLogs');
    expect(retrieved).toMatchObject({ status: 200, body: { ok: true, message: expect.stringMatching(/^Retrieved 4 of \d+ incidents$/) } });
    const logs = await rows('incidentHistoryLogs');
    expect(logs).toHaveLength(4);
    expect(logs.map((r) => r.cells.time)).toEqual([...logs.map((r) => r.cells.time)].sort((a, b) => b - a));
    expect(logs[0].cells).toMatchObject({ severity: expect.any(String), feed: expect.stringMatching(/^acme_/) });
  });

  it('puts wrong credentials in error "sign-in rejected" without hammering, and recovers when they are fixed', async () => {
    const before = await counters();
    const wrong = await createElement('Acme wrong password', { username: USERNAME, password: 'not-the-password' });
    const failed = await until('the element to be in error', async () => {
      const view = await element(wrong);
      return view.state === 'error' ? view : undefined;
    });
    expect(failed.stateReason).toContain('sign-in rejected');
    expect(failed.stateReason).toContain('Invalid Email or password.');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await counters()).signInFailures - before.signInFailures).toBe(1);
    expect((await element(wrong)).state).toBe('error');
    const fixed = await h.api('PATCH', `/api/elements/${wrong}`, { params: { password: PASSWORD } });
    expect(fixed.status).toBe(200);
    await until('the element to recover', async () => (await element(wrong)).state === 'active');
    await until('it to poll', async () => (await param('customerName', wrong)) === 'acme');
  });

  it('opens the service web interface at the element base URL', async () => {
    const view = await element();
    expect(view.baseUrl).toBe(h.sim.url);
    const page = await h.page(`${view.baseUrl}/`);
    expect(page).toMatchObject({ status: 200, contentType: expect.stringContaining('text/html') });
    expect(page.text).toContain('Amagi CLOUDPORT Service Manager');
    const listed = (await h.api('GET', '/api/connectors')).body;
    const connector = (Array.isArray(listed) ? listed : listed.connectors).find((c: any) => c.id === 'amagi-cloudport');
    expect(connector.pages.at(-1)).toMatchObject({ name: 'Web Interface', webInterface: true });
  });
});
