/** Every route answers through the API with the shapes the contract gives. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTally, waitFor, type TestTally } from './api-support.js';

describe('the API routes', () => {
  let t: TestTally;
  let elementId: string;

  beforeAll(async () => {
    t = await startTestTally();
    elementId = (await t.createElement()).id;
  });
  afterAll(async () => t.close());

  it('answers health without credentials', async () => {
    const response = await t.call(null, { method: 'GET', url: '/api/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('serves the OpenAPI document describing the routes', async () => {
    const response = await t.call('viewer', { method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/elements', '/api/elements/{id}', '/api/elements/{id}/actions/{actionId}', '/api/users', '/api/session']),
    );
    expect(document.paths['/api/elements']).toHaveProperty('post');
  });

  it('lists connectors without their handlers', async () => {
    const response = await t.call('viewer', { method: 'GET', url: '/api/connectors' });
    expect(response.statusCode).toBe(200);
    const [connector] = response.json<{ connectors: Record<string, unknown>[] }>().connectors;
    expect(connector).toMatchObject({ id: 'test-device', name: 'Test Device', hasSimulator: true });
    expect(connector.actions).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'reboot', minRole: 'admin', destructive: true })]));
    expect(response.body).not.toContain('"run"');
  });

  it('lists, reads and reconfigures elements', async () => {
    const list = await t.call('viewer', { method: 'GET', url: '/api/elements' });
    expect(list.json().elements).toEqual([expect.objectContaining({ id: elementId, connector: 'test-device' })]);
    const one = await t.call('viewer', { method: 'GET', url: `/api/elements/${elementId}` });
    expect(one.json()).toMatchObject({ id: elementId, name: 'Test device', connection: { host: '127.0.0.1', port: t.device.port } });
    expect(one.json().state).toMatch(/initialising|active/);
    const renamed = await t.call('admin', { method: 'PATCH', url: `/api/elements/${elementId}`, payload: { name: 'Renamed' } });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().name).toBe('Renamed');
  });

  it('reads parameters and tables once polled', async () => {
    await waitFor(async () => (await t.call('viewer', { method: 'GET', url: `/api/elements/${elementId}/params/model` })).json().value === 'TD-1');
    const params = await t.call('viewer', { method: 'GET', url: `/api/elements/${elementId}/params` });
    expect(params.json().params).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'temperature', value: 21.5, unit: '°C' }),
        expect.objectContaining({ id: 'apiKey', value: null, secret: true, isSet: true }),
      ]),
    );
    const table = await t.call('viewer', { method: 'GET', url: `/api/elements/${elementId}/tables/outputs` });
    expect(table.statusCode).toBe(200);
    expect(table.json().rows).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'out1', displayKey: 'Output 1' })]));
  });

  it('sets a writable parameter through the device', async () => {
    const response = await t.call('operator', { method: 'PUT', url: `/api/elements/${elementId}/params/label`, payload: { value: 'Studio A' } });
    expect(response.statusCode).toBe(200);
    expect(t.device.state.label).toBe('Studio A');
  });

  it('runs an action and shows the stream and the events', async () => {
    await waitFor(async () => (await t.call('viewer', { method: 'GET', url: `/api/elements/${elementId}` })).json().state === 'active');
    const action = await t.call('operator', {
      method: 'POST',
      url: `/api/elements/${elementId}/actions/toggleOutput`,
      payload: { rows: ['out1'], inputs: { reason: 'test' } },
    });
    expect(action.statusCode).toBe(200);
    expect(action.json()).toEqual({ ok: true, message: 'Output 1 toggled' });
    const stream = await t.call('viewer', { method: 'GET', url: `/api/elements/${elementId}/stream` });
    expect(stream.json().entries.length).toBeGreaterThan(0);
    const events = await t.call('viewer', { method: 'GET', url: `/api/elements/${elementId}/events?limit=50` });
    expect(events.statusCode).toBe(200);
    expect(events.json().events).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'action', user: 'operator' })]));
  });

  it('pauses and restarts an element', async () => {
    const paused = await t.call('operator', { method: 'POST', url: `/api/elements/${elementId}/state`, payload: { state: 'paused' } });
    expect(paused.statusCode).toBe(200);
    expect(paused.json().operatorState).toBe('paused');
    await t.call('operator', { method: 'POST', url: `/api/elements/${elementId}/state`, payload: { state: 'active' } });
    const restarted = await t.call('operator', { method: 'POST', url: `/api/elements/${elementId}/restart` });
    expect(restarted.statusCode).toBe(200);
    const withBody = await t.call('operator', { method: 'POST', url: `/api/elements/${elementId}/restart`, payload: {} });
    expect(withBody.statusCode).toBe(200);
  });

  it('manages users and tokens', async () => {
    const created = await t.call('admin', { method: 'POST', url: '/api/users', payload: { username: 'carol', password: 'a long password', role: 'viewer' } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ username: 'carol', role: 'viewer' });
    expect(created.body).not.toContain('a long password');
    const users = await t.call('admin', { method: 'GET', url: '/api/users' });
    expect(users.json().users.map((user: { username: string }) => user.username)).toContain('carol');
    const token = await t.call('admin', { method: 'POST', url: '/api/users/carol/tokens', payload: { name: 'script' } });
    expect(token.statusCode).toBe(201);
    const { token: secret, id } = token.json<{ token: string; id: string }>();
    const asCarol = await t.tally.server.inject({ method: 'GET', url: '/api/elements', headers: { authorization: `Bearer ${secret}` } });
    expect(asCarol.statusCode).toBe(200);
    const tokens = await t.call('admin', { method: 'GET', url: '/api/users/carol/tokens' });
    expect(tokens.json().tokens).toEqual([expect.objectContaining({ id, name: 'script' })]);
    expect(tokens.body).not.toContain(secret);
    const revoked = await t.call('admin', { method: 'DELETE', url: `/api/users/carol/tokens/${id}` });
    expect(revoked.statusCode).toBe(204);
    const afterRevoke = await t.tally.server.inject({ method: 'GET', url: '/api/elements', headers: { authorization: `Bearer ${secret}` } });
    expect(afterRevoke.statusCode).toBe(401);
    const patched = await t.call('admin', { method: 'PATCH', url: '/api/users/carol', payload: { password: 'another long password' } });
    expect(patched.statusCode).toBe(200);
    const promoted = await t.call('admin', { method: 'PATCH', url: '/api/users/carol', payload: { role: 'operator' } });
    expect(promoted.json()).toMatchObject({ username: 'carol', role: 'operator' });
    const empty = await t.call('admin', { method: 'PATCH', url: '/api/users/carol', payload: {} });
    expect(empty.statusCode).toBe(400);
    const removed = await t.call('admin', { method: 'DELETE', url: '/api/users/carol' });
    expect(removed.statusCode).toBe(204);
  });

  it('shows the audit trail to admins', async () => {
    const response = await t.call('admin', { method: 'GET', url: '/api/audit?action=element.*' });
    expect(response.statusCode).toBe(200);
    expect(response.json().records).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'element.create', user: 'admin', result: 'ok' })]));
  });

  it('deletes an element', async () => {
    const { id } = await t.createElement('To delete');
    const response = await t.call('admin', { method: 'DELETE', url: `/api/elements/${id}` });
    expect(response.statusCode).toBe(204);
    expect((await t.call('viewer', { method: 'GET', url: `/api/elements/${id}` })).statusCode).toBe(404);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const response = await t.call('viewer', { method: 'GET', url: '/api/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no route GET /api/nothing-here' } });
  });
});
