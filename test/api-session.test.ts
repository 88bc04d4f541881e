/** The UI's session: cookie attributes, CSRF on changes, sign-in limits, headers, sign-out. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, PASSWORD, startTestTally, type TestTally } from './api-support.js';

describe('sessions', () => {
  let t: TestTally;

  beforeAll(async () => {
    t = await startTestTally();
  });
  afterAll(async () => t.close());

  async function signIn(username: string, password: string, address = '10.0.0.1') {
    return t.tally.server.inject({ method: 'POST', url: '/api/session', payload: { username, password }, remoteAddress: address });
  }

  function cookieOf(response: { headers: Record<string, unknown> }): string {
    const header = String(response.headers['set-cookie']);
    return header.split(';')[0];
  }

  it('signs in to an httpOnly, SameSite=Strict cookie with an expiry and hands out a CSRF token', async () => {
    const response = await signIn('operator', PASSWORD);
    expect(response.statusCode).toBe(200);
    const body = response.json<{ username: string; role: string; csrfToken: string }>();
    expect(body).toMatchObject({ username: 'operator', role: 'operator' });
    expect(body.csrfToken.length).toBeGreaterThan(20);
    const header = String(response.headers['set-cookie']);
    expect(header).toMatch(/^tally_session=[\w-]+;/);
    expect(header).toContain('HttpOnly');
    expect(header).toContain('SameSite=Strict');
    expect(header).toContain('Path=/');
    expect(header).toMatch(/Max-Age=\d+/);
    expect(header).not.toContain('Secure');
  });

  it('marks the cookie Secure when Tally is reached over https behind a trusted proxy', async () => {
    const secure = await startTestTally({ server: { trustProxy: true } });
    try {
      const response = await secure.tally.server.inject({
        method: 'POST',
        url: '/api/session',
        payload: { token: ADMIN_TOKEN },
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(String(response.headers['set-cookie'])).toContain('Secure');
    } finally {
      await secure.close();
    }
  });

  it('reads with the cookie alone but needs the CSRF token to change anything', async () => {
    const signedIn = await signIn('operator', PASSWORD);
    const cookie = cookieOf(signedIn);
    const { csrfToken } = signedIn.json<{ csrfToken: string }>();
    const session = await t.tally.server.inject({ method: 'GET', url: '/api/session', headers: { cookie } });
    expect(session.json()).toEqual({ username: 'operator', role: 'operator', csrfToken });
    const { id } = await t.createElement('csrf');
    const change = { method: 'POST' as const, url: `/api/elements/${id}/state`, payload: { state: 'paused' } };
    const without = await t.tally.server.inject({ ...change, headers: { cookie } });
    expect(without.statusCode).toBe(403);
    expect(without.json().error.message).toContain('x-csrf-token');
    const wrong = await t.tally.server.inject({ ...change, headers: { cookie, 'x-csrf-token': 'x'.repeat(csrfToken.length) } });
    expect(wrong.statusCode).toBe(403);
    expect((await t.call('viewer', { method: 'GET', url: `/api/elements/${id}` })).json().operatorState).toBe('active');
    const right = await t.tally.server.inject({ ...change, headers: { cookie, 'x-csrf-token': csrfToken } });
    expect(right.statusCode).toBe(200);
    expect(right.json().operatorState).toBe('paused');
  });

  it('signs in with an API token too', async () => {
    const response = await t.tally.server.inject({ method: 'POST', url: '/api/session', payload: { token: t.tokens.viewer } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ username: 'viewer', role: 'viewer' });
  });

  it('refuses wrong credentials with 401 and a vague message', async () => {
    const wrong = await signIn('operator', 'not the password', '10.0.0.2');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.message).toBe('wrong username or password');
    const unknown = await signIn('nobody', 'not the password', '10.0.0.2');
    expect(unknown.json().error.message).toBe('wrong username or password');
    const both = await t.tally.server.inject({ method: 'POST', url: '/api/session', payload: { token: 'x', username: 'y', password: 'z' } });
    expect(both.statusCode).toBe(400);
    expect(both.json().error.field).toBe('token');
  });

  it('limits sign-in attempts per user and address with 429 and Retry-After, then audits them', async () => {
    for (let attempt = 0; attempt < 5; attempt++) expect((await signIn('viewer', 'wrong password', '10.0.0.3')).statusCode).toBe(401);
    const blocked = await signIn('viewer', PASSWORD, '10.0.0.3');
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.json().error.code).toBe('TOO_MANY_REQUESTS');
    expect((await signIn('viewer', PASSWORD, '10.0.0.4')).statusCode).toBe(200);
    const records = t.tally.audit.query({ action: 'session.sign-in', user: 'viewer' });
    expect(records.filter((record) => record.result === 'refused' && record.address === '10.0.0.3')).toHaveLength(6);
    expect(records.some((record) => record.result === 'ok' && record.address === '10.0.0.4')).toBe(true);
  });

  it('signs out: the cookie stops working', async () => {
    const signedIn = await signIn('operator', PASSWORD, '10.0.0.5');
    const cookie = cookieOf(signedIn);
    const { csrfToken } = signedIn.json<{ csrfToken: string }>();
    const out = await t.tally.server.inject({ method: 'DELETE', url: '/api/session', headers: { cookie, 'x-csrf-token': csrfToken } });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/tally_session=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/);
    expect((await t.tally.server.inject({ method: 'GET', url: '/api/session', headers: { cookie } })).statusCode).toBe(401);
  });

  it('sends security headers on every answer, errors included', async () => {
    for (const url of ['/api/health', '/api/elements', '/api/nothing']) {
      const response = await t.tally.server.inject({ method: 'GET', url });
      expect(response.headers['content-security-policy']).toContain("default-src 'self'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
    }
  });
});
