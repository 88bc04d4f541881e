/** The audit trail records every kind of change, refused attempts included, with secrets redacted. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../src/security/audit-log.js';
import { PASSWORD, startTestTally, waitFor, type TestTally } from './api-support.js';

describe('the audit trail', () => {
  let t: TestTally;
  let id: string;
  const address = '192.0.2.7';

  beforeAll(async () => {
    t = await startTestTally();
    id = (await t.createElement()).id;
    await waitFor(async () => (await t.call('viewer', { method: 'GET', url: `/api/elements/${id}` })).json().state === 'active');
  });
  afterAll(async () => t.close());

  const as = (role: 'viewer' | 'operator' | 'admin', method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    t.call(role, { method, url, payload, remoteAddress: address });

  function latest(action: string): AuditRecord {
    const [record] = t.tally.audit.query({ action, limit: 1 });
    expect(record, `an audit record for ${action}`).toBeDefined();
    return record;
  }

  it('records element creation, reconfiguration, state, restart and deletion', async () => {
    const created = await as('admin', 'POST', '/api/elements', {
      name: 'Audited',
      connector: 'test-device',
      connection: { host: '127.0.0.1', port: t.device.port },
      params: { apiKey: 'sk-audit-secret-1' },
    });
    const auditedId = created.json().id;
    expect(latest('element.create')).toMatchObject({ user: 'admin', address, result: 'ok', target: 'Audited' });
    expect(JSON.stringify(latest('element.create').inputs)).not.toContain('sk-audit-secret-1');
    await as('admin', 'PATCH', `/api/elements/${auditedId}`, { params: { apiKey: 'sk-audit-secret-2' } });
    expect(latest('element.update')).toMatchObject({ elementId: auditedId, result: 'ok', inputs: { params: { apiKey: '[redacted]' } } });
    await as('operator', 'POST', `/api/elements/${auditedId}/state`, { state: 'stopped' });
    expect(latest('element.state')).toMatchObject({ user: 'operator', elementId: auditedId, inputs: { state: 'stopped' }, result: 'ok' });
    await as('operator', 'POST', `/api/elements/${auditedId}/restart`);
    expect(latest('element.restart')).toMatchObject({ user: 'operator', elementId: auditedId, result: 'ok' });
    await as('admin', 'DELETE', `/api/elements/${auditedId}`);
    expect(latest('element.delete')).toMatchObject({ user: 'admin', elementId: auditedId, result: 'ok' });
  });

  it('records parameter sets, redacting secret values', async () => {
    await as('operator', 'PUT', `/api/elements/${id}/params/gain`, { value: 4 });
    expect(latest('param.set')).toMatchObject({ user: 'operator', elementId: id, target: 'gain', inputs: { gain: 4 }, result: 'ok' });
    await as('operator', 'PUT', `/api/elements/${id}/params/apiKey`, { value: t.device.apiKey });
    expect(latest('param.set')).toMatchObject({ target: 'apiKey', inputs: { apiKey: '[redacted]' } });
  });

  it('records actions with their rows and inputs, and how they ended', async () => {
    await waitFor(async () => (await t.call('viewer', { method: 'GET', url: `/api/elements/${id}` })).json().state === 'active');
    await as('operator', 'POST', `/api/elements/${id}/actions/toggleOutput`, { rows: ['out2'], inputs: { reason: 'audit' } });
    expect(latest('action.run')).toMatchObject({
      user: 'operator',
      elementId: id,
      target: 'toggleOutput',
      inputs: { rows: ['out2'], inputs: { reason: 'audit' } },
      result: 'ok',
    });
  });

  it('records refused attempts: a role too low, a read-only parameter, an unknown row', async () => {
    await as('viewer', 'POST', `/api/elements/${id}/actions/toggleOutput`, { rows: ['out1'] });
    expect(latest('action.run')).toMatchObject({ user: 'viewer', elementId: id, target: 'toggleOutput', result: 'refused' });
    await as('operator', 'POST', `/api/elements/${id}/actions/reboot`, {});
    expect(latest('action.run')).toMatchObject({ user: 'operator', target: 'reboot', result: 'refused' });
    await as('operator', 'PUT', `/api/elements/${id}/params/model`, { value: 'x' });
    expect(latest('param.set')).toMatchObject({ target: 'model', result: 'refused' });
    expect(latest('param.set').message).toContain('read-only');
    await as('operator', 'POST', '/api/elements', { name: 'x', connector: 'test-device', connection: { host: 'h' } });
    expect(latest('element.create')).toMatchObject({ user: 'operator', result: 'refused' });
  });

  it('records user and token changes without passwords or tokens', async () => {
    await as('admin', 'POST', '/api/users', { username: 'erin', password: 'erin password 1', role: 'operator' });
    expect(latest('user.create')).toMatchObject({ user: 'admin', target: 'erin', inputs: { role: 'operator' }, result: 'ok' });
    await as('admin', 'PATCH', '/api/users/erin', { password: 'erin password 2' });
    expect(latest('user.update')).toMatchObject({ target: 'erin', result: 'ok' });
    const token = await as('admin', 'POST', '/api/users/erin/tokens', { name: 'ci' });
    expect(latest('token.create')).toMatchObject({ target: 'erin', inputs: { name: 'ci' }, result: 'ok' });
    await as('admin', 'DELETE', `/api/users/erin/tokens/${token.json().id}`);
    expect(latest('token.revoke')).toMatchObject({ target: 'erin', result: 'ok' });
    await as('admin', 'DELETE', '/api/users/erin');
    expect(latest('user.delete')).toMatchObject({ target: 'erin', result: 'ok' });
    const everything = JSON.stringify(t.tally.audit.query({ limit: 10_000 }));
    expect(everything).not.toContain('erin password');
    expect(everything).not.toContain(token.json().token);
  });

  it('records sign-ins and sign-outs', async () => {
    const signedIn = await t.tally.server.inject({ method: 'POST', url: '/api/session', payload: { username: 'viewer', password: PASSWORD }, remoteAddress: address });
    expect(latest('session.sign-in')).toMatchObject({ user: 'viewer', address, result: 'ok' });
    const cookie = String(signedIn.headers['set-cookie']).split(';')[0];
    await t.tally.server.inject({ method: 'DELETE', url: '/api/session', headers: { cookie, 'x-csrf-token': signedIn.json().csrfToken } });
    expect(latest('session.sign-out')).toMatchObject({ user: 'viewer', result: 'ok' });
  });

  it('filters the trail through the API', async () => {
    const response = await t.call('admin', { method: 'GET', url: `/api/audit?user=operator&element=${id}&action=param.set` });
    const records = response.json<{ records: AuditRecord[] }>().records;
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((record) => record.user === 'operator' && record.elementId === id && record.action === 'param.set')).toBe(true);
  });
});
