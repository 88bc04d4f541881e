/** Every route × every role: 401 without credentials, 403 below the route's role, through above it. */
import type { FastifyPluginAsync, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monitoringExtension } from '../src/alarms/monitoring-extension.js';
import type { Role } from '../src/sdk/index.js';
import { startTestTally, type TestTally } from './api-support.js';

type Level = 'public' | Role;
interface RouteCase {
  level: Level;
  request: (ids: { element: string }) => InjectOptions;
}

const E = (ids: { element: string }) => `/api/elements/${ids.element}`;

/** Every core route; bodies are valid so the role check alone decides 401/403. */
const ROUTES: RouteCase[] = [
  { level: 'public', request: () => ({ method: 'GET', url: '/api/health' }) },
  { level: 'viewer', request: () => ({ method: 'GET', url: '/api/openapi.json' }) },
  { level: 'viewer', request: () => ({ method: 'GET', url: '/api/connectors' }) },
  { level: 'viewer', request: () => ({ method: 'GET', url: '/api/elements' }) },
  { level: 'viewer', request: (ids) => ({ method: 'GET', url: E(ids) }) },
  { level: 'viewer', request: (ids) => ({ method: 'GET', url: `${E(ids)}/params` }) },
  { level: 'viewer', request: (ids) => ({ method: 'GET', url: `${E(ids)}/params/model` }) },
  { level: 'viewer', request: (ids) => ({ method: 'GET', url: `${E(ids)}/tables/outputs` }) },
  { level: 'viewer', request: (ids) => ({ method: 'GET', url: `${E(ids)}/stream` }) },
  { level: 'viewer', request: (ids) => ({ method: 'GET', url: `${E(ids)}/events` }) },
  { level: 'viewer', request: () => ({ method: 'GET', url: '/api/session' }) },
  { level: 'viewer', request: () => ({ method: 'DELETE', url: '/api/session' }) },
  { level: 'viewer', request: () => ({ method: 'GET', url: '/api/live' }) },
  { level: 'operator', request: (ids) => ({ method: 'PUT', url: `${E(ids)}/params/gain`, payload: { value: 3 } }) },
  { level: 'operator', request: (ids) => ({ method: 'POST', url: `${E(ids)}/actions/toggleOutput`, payload: { rows: ['out2'] } }) },
  { level: 'operator', request: (ids) => ({ method: 'POST', url: `${E(ids)}/state`, payload: { state: 'active' } }) },
  { level: 'operator', request: (ids) => ({ method: 'POST', url: `${E(ids)}/restart` }) },
  { level: 'admin', request: () => ({ method: 'POST', url: '/api/elements', payload: { name: 'x', connector: 'no-such-connector', connection: { host: 'h' } } }) },
  { level: 'admin', request: () => ({ method: 'PATCH', url: '/api/elements/no-such-element', payload: { name: 'y' } }) },
  { level: 'admin', request: () => ({ method: 'DELETE', url: '/api/elements/no-such-element' }) },
  { level: 'admin', request: () => ({ method: 'GET', url: '/api/audit' }) },
  { level: 'admin', request: () => ({ method: 'GET', url: '/api/users' }) },
  { level: 'admin', request: () => ({ method: 'POST', url: '/api/users', payload: { username: 'x', password: 'short', role: 'viewer' } }) },
  { level: 'admin', request: () => ({ method: 'PATCH', url: '/api/users/nobody', payload: { password: 'a long enough password' } }) },
  { level: 'admin', request: () => ({ method: 'DELETE', url: '/api/users/nobody' }) },
  { level: 'admin', request: () => ({ method: 'GET', url: '/api/users/viewer/tokens' }) },
  { level: 'admin', request: () => ({ method: 'POST', url: '/api/users/nobody/tokens', payload: { name: 'n' } }) },
  { level: 'admin', request: () => ({ method: 'DELETE', url: '/api/users/viewer/tokens/tok_none' }) },
  // Monitoring: alarms, alarm templates, webhooks, trends, metrics.
  { level: 'viewer', request: () => ({ method: 'GET', url: '/api/alarms' }) },
  { level: 'viewer', request: () => ({ method: 'GET', url: '/api/alarms/summary' }) },
  { level: 'viewer', request: () => ({ method: 'GET', url: '/api/alarms/1' }) },
  { level: 'viewer', request: () => ({ method: 'GET', url: '/api/alarms/1/history' }) },
  { level: 'operator', request: () => ({ method: 'POST', url: '/api/alarms/1/ack', payload: { comment: 'seen' } }) },
  { level: 'viewer', request: (ids) => ({ method: 'GET', url: `${E(ids)}/alarm-template` }) },
  { level: 'admin', request: (ids) => ({ method: 'PUT', url: `${E(ids)}/alarm-template`, payload: { rules: [] } }) },
  { level: 'admin', request: (ids) => ({ method: 'DELETE', url: `${E(ids)}/alarm-template` }) },
  { level: 'admin', request: () => ({ method: 'GET', url: '/api/notifications/webhooks' }) },
  { level: 'admin', request: () => ({ method: 'POST', url: '/api/notifications/webhooks', payload: { url: 'http://127.0.0.1:9/hook' } }) },
  { level: 'admin', request: () => ({ method: 'DELETE', url: '/api/notifications/webhooks/999' }) },
  { level: 'viewer', request: (ids) => ({ method: 'GET', url: `${E(ids)}/trends` }) },
  { level: 'viewer', request: (ids) => ({ method: 'GET', url: `${E(ids)}/trends/temperature` }) },
  { level: 'viewer', request: () => ({ method: 'GET', url: '/metrics' }) },
];

const RANK: Record<Level, number> = { public: 0, viewer: 1, operator: 2, admin: 3 };
const ROLES: Role[] = ['viewer', 'operator', 'admin'];

/** A plugin route that forgot its minRole: it must be admin-only. */
const forgetfulPlugin: FastifyPluginAsync = async (app) => {
  app.get('/api/forgotten', async () => ({ reached: true }));
};

describe('access control', () => {
  let t: TestTally;
  let ids: { element: string };

  beforeAll(async () => {
    t = await startTestTally({ plugins: [forgetfulPlugin], extensions: [monitoringExtension()] });
    ids = { element: (await t.createElement()).id };
  });
  afterAll(async () => t.close());

  it('covers every route of the OpenAPI document', async () => {
    const document = (await t.call('admin', { method: 'GET', url: '/api/openapi.json' })).json<{ paths: Record<string, object> }>();
    const documented = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    const covered = new Set(
      ROUTES.map((route) => {
        const { method, url } = route.request({ element: '{id}' });
        return `${method} ${String(url)
          .replace(/\/params\/\w+$/, '/params/{paramId}')
          .replace(/\/tables\/\w+$/, '/tables/{tableId}')
          .replace(/\/actions\/\w+$/, '/actions/{actionId}')
          .replace(/\/users\/[\w]+\/tokens\/[\w]+$/, '/users/{username}/tokens/{tokenId}')
          .replace(/\/users\/\w+(\/tokens)?$/, '/users/{username}$1')
          .replace(/\/elements\/no-such-element$/, '/elements/{id}')
          .replace(/\/trends\/\w+$/, '/trends/{paramId}')
          .replace(/\/alarms\/\d+/, '/alarms/{alarmId}')
          .replace(/\/webhooks\/\d+$/, '/webhooks/{webhookId}')}`;
      }),
    );
    const missing = documented.filter((route) => !covered.has(route) && !['POST /api/session', 'GET /api/forgotten'].includes(route));
    expect(missing).toEqual([]);
  });

  describe.each(ROUTES.map((route) => [route.request({ element: ':id' }).method + ' ' + route.request({ element: ':id' }).url, route] as const))(
    '%s',
    (_name, route) => {
      it(route.level === 'public' ? 'answers without credentials' : 'answers 401 without credentials', async () => {
        const response = await t.call(null, route.request(ids));
        if (route.level === 'public') expect(response.statusCode).toBeLessThan(400);
        else {
          expect(response.statusCode).toBe(401);
          expect(response.json().error.code).toBe('UNAUTHORIZED');
        }
      });

      it.each(ROLES)('as %s: 403 below the role, through at or above it', async (role) => {
        const response = await t.call(role, route.request(ids));
        if (RANK[role] < RANK[route.level]) {
          expect(response.statusCode).toBe(403);
          expect(response.json().error.code).toBe('FORBIDDEN');
        } else {
          expect([401, 403]).not.toContain(response.statusCode);
        }
      });
    },
  );

  it('answers 401 for an unknown, malformed or revoked token', async () => {
    for (const authorization of ['Bearer tly_unknown', 'Basic dXNlcjpwYXNz', 'Bearer']) {
      const response = await t.tally.server.inject({ method: 'GET', url: '/api/elements', headers: { authorization } });
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('treats a route without minRole as admin-only', async () => {
    expect((await t.call('operator', { method: 'GET', url: '/api/forgotten' })).statusCode).toBe(403);
    expect((await t.call(null, { method: 'GET', url: '/api/forgotten' })).statusCode).toBe(401);
    expect((await t.call('admin', { method: 'GET', url: '/api/forgotten' })).json()).toEqual({ reached: true });
  });

  it('lets an action demand more than operator', async () => {
    const refused = await t.call('operator', { method: 'POST', url: `/api/elements/${ids.element}/actions/reboot`, payload: {} });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toContain('admin');
    expect(t.device.state.received.some((request) => request.url === '/reboot')).toBe(false);
  });

  it('sees a role change or removal at once, without a new token', async () => {
    await t.tally.users.addUser('dave', 'a long password', 'viewer');
    const { token } = t.tally.users.createToken('dave', 'x');
    const headers = { authorization: `Bearer ${token}` };
    expect((await t.tally.server.inject({ method: 'GET', url: '/api/elements', headers })).statusCode).toBe(200);
    t.tally.users.removeUser('dave');
    expect((await t.tally.server.inject({ method: 'GET', url: '/api/elements', headers })).statusCode).toBe(401);
  });
});
