/** Bad input: a 4xx naming the field, in words a person understands, and nothing changed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTally, waitFor, type TestTally } from './api-support.js';

describe('bad input', () => {
  let t: TestTally;
  let id: string;

  beforeAll(async () => {
    t = await startTestTally();
    id = (await t.createElement()).id;
    await waitFor(async () => (await t.call('viewer', { method: 'GET', url: `/api/elements/${id}` })).json().state === 'active');
  });
  afterAll(async () => t.close());

  const post = (url: string, payload: unknown, role: 'admin' | 'operator' = 'admin') => t.call(role, { method: 'POST', url, payload: payload as object });

  function expectError(response: { statusCode: number; json(): unknown; body: string }, status: number, code: string, field?: string) {
    expect(response.statusCode).toBe(status);
    const { error } = response.json() as { error: { code: string; message: string; field?: string } };
    expect(error.code).toBe(code);
    if (field !== undefined) expect(error.field).toBe(field);
    expect(error.message.length).toBeGreaterThan(5);
    expect(response.body).not.toMatch(/\bat .*\.(ts|js):\d+/);
    return error;
  }

  it('refuses malformed JSON', async () => {
    const response = await t.call('admin', { method: 'POST', url: '/api/elements', headers: { 'content-type': 'application/json' }, payload: '{"name": ' });
    expect(expectError(response, 400, 'BAD_REQUEST').message).toBe('the request body is not valid JSON');
  });

  it('refuses a JSON body that is empty or not JSON at all', async () => {
    const empty = await t.call('admin', { method: 'POST', url: '/api/elements', headers: { 'content-type': 'application/json' }, payload: '' });
    expectError(empty, 400, 'BAD_REQUEST');
    const text = await t.call('admin', { method: 'POST', url: '/api/elements', headers: { 'content-type': 'text/plain' }, payload: 'hello' });
    expect(text.statusCode).toBe(415);
  });

  it('names an unknown field, nested or not', async () => {
    const top = await post('/api/elements', { name: 'x', connector: 'test-device', connection: { host: 'h' }, colour: 'red' });
    expect(expectError(top, 400, 'VALIDATION', 'colour').message).toBe('unknown field "colour"');
    const nested = await post('/api/elements', { name: 'x', connector: 'test-device', connection: { host: 'h', prot: 1 } });
    expectError(nested, 400, 'VALIDATION', 'connection.prot');
  });

  it('names a field of the wrong type or out of range', async () => {
    const port = await post('/api/elements', { name: 'x', connector: 'test-device', connection: { host: 'h', port: 'eighty' } });
    expect(expectError(port, 400, 'VALIDATION', 'connection.port').message).toBe('"connection.port" must be a whole number');
    const range = await post('/api/elements', { name: 'x', connector: 'test-device', connection: { host: 'h', port: 70000 } });
    expect(expectError(range, 400, 'VALIDATION', 'connection.port').message).toBe('"connection.port" must be at most 65535');
    const state = await post(`/api/elements/${id}/state`, { state: 'asleep' }, 'operator');
    expect(expectError(state, 400, 'VALIDATION', 'state').message).toBe('"state" must be one of "active", "paused", "stopped"');
  });

  it('names a missing field', async () => {
    const response = await post('/api/elements', { name: 'x', connection: { host: 'h' } });
    expect(expectError(response, 400, 'VALIDATION', 'connector').message).toBe('"connector" is required');
  });

  it('names a bad query parameter', async () => {
    const response = await t.call('viewer', { method: 'GET', url: `/api/elements/${id}/events?limit=lots` });
    expectError(response, 400, 'VALIDATION', 'limit');
    const unknown = await t.call('admin', { method: 'GET', url: '/api/audit?colour=red' });
    expectError(unknown, 400, 'VALIDATION', 'colour');
  });

  it('answers 404 for unknown ids, naming what is unknown', async () => {
    expectError(await t.call('viewer', { method: 'GET', url: '/api/elements/nope' }), 404, 'NOT_FOUND', 'id');
    expectError(await t.call('viewer', { method: 'GET', url: `/api/elements/${id}/params/nope` }), 404, 'NOT_FOUND', 'paramId');
    expectError(await t.call('viewer', { method: 'GET', url: `/api/elements/${id}/tables/nope` }), 404, 'NOT_FOUND', 'tableId');
    expectError(await post(`/api/elements/${id}/actions/nope`, {}, 'operator'), 404, 'NOT_FOUND', 'actionId');
    expectError(await t.call('viewer', { method: 'GET', url: '/api/elements/nope/events' }), 404, 'NOT_FOUND');
  });

  it('answers a badly encoded URL or an over-long path segment with a JSON error', async () => {
    expectError(await t.call('viewer', { method: 'GET', url: '/api/elements/%ff%fe/params' }), 400, 'BAD_REQUEST');
    expectError(await t.call('viewer', { method: 'GET', url: `/api/elements/${'y'.repeat(500)}` }), 414, 'BAD_REQUEST');
  });

  it('refuses a connector that is not installed', async () => {
    expectError(await post('/api/elements', { name: 'x', connector: 'nope', connection: { host: 'h' } }), 400, 'VALIDATION', 'connector');
  });

  it('refuses a set on a read-only parameter and leaves it alone', async () => {
    const before = (await t.call('viewer', { method: 'GET', url: `/api/elements/${id}/params/model` })).json().value;
    const response = await t.call('operator', { method: 'PUT', url: `/api/elements/${id}/params/model`, payload: { value: 'hacked' } });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    expect(response.json().error.message).toContain('read-only');
    expect((await t.call('viewer', { method: 'GET', url: `/api/elements/${id}/params/model` })).json().value).toBe(before);
  });

  it('refuses a value outside the parameter range', async () => {
    const response = await t.call('operator', { method: 'PUT', url: `/api/elements/${id}/params/gain`, payload: { value: 99 } });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    expect(response.json().error.field).toBe('value');
  });

  it('refuses an action on a row that does not exist, without reaching the device', async () => {
    const sent = t.device.state.received.length;
    const response = await post(`/api/elements/${id}/actions/toggleOutput`, { rows: ['out9'] }, 'operator');
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    expect(response.json().error.message).toContain('out9');
    expect(t.device.state.received.slice(sent).some((request) => request.url.includes('toggle'))).toBe(false);
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const response = await post('/api/elements', { name: 'x'.repeat(1024 * 1024 + 10), connector: 'test-device', connection: { host: 'h' } });
    expectError(response, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('refuses JSON nested deeper than 32 levels', async () => {
    const deep = '['.repeat(40) + ']'.repeat(40);
    const response = await t.call('admin', { method: 'POST', url: '/api/elements', headers: { 'content-type': 'application/json' }, payload: `{"name": ${deep}}` });
    expect(expectError(response, 400, 'BAD_REQUEST').message).toContain('32');
  });

  it('refuses prototype pollution keys', async () => {
    const response = await t.call('admin', {
      method: 'POST',
      url: '/api/elements',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":"x","connector":"test-device","connection":{"host":"h"},"__proto__":{"admin":true}}',
    });
    expect(response.statusCode).toBe(400);
  });

  it('never answers odd bodies with a 5xx', async () => {
    const routes: [method: 'POST' | 'PUT' | 'PATCH', url: string][] = [
      ['POST', '/api/elements'],
      ['PATCH', `/api/elements/${id}`],
      ['POST', `/api/elements/${id}/state`],
      ['POST', `/api/elements/${id}/restart`],
      ['PUT', `/api/elements/${id}/params/gain`],
      ['PUT', `/api/elements/${id}/params/apiKey`],
      ['POST', `/api/elements/${id}/actions/toggleOutput`],
      ['POST', `/api/elements/${id}/actions/reboot`],
      ['POST', '/api/users'],
      ['PATCH', '/api/users/viewer'],
      ['POST', '/api/users/viewer/tokens'],
      ['POST', '/api/session'],
    ];
    const bodies = ['[]', '"text"', '1', 'null', '{}', '{"rows":"out1"}', '{"value":{}}', '{"value":[1]}', '{"inputs":{"reason":{"a":1}}}', '{"rows":[1,2]}', '{"connection":null}', '{"params":{"gain":"x"}}', '{"name":""}', '{"password":123}'];
    for (const [method, url] of routes) {
      for (const payload of bodies) {
        const response = await t.call('admin', { method, url, headers: { 'content-type': 'application/json' }, payload });
        expect(response.statusCode, `${method} ${url} ${payload}`).toBeLessThan(500);
      }
    }
  });

  it('created nothing while refusing all of the above', async () => {
    const elements = (await t.call('viewer', { method: 'GET', url: '/api/elements' })).json().elements;
    expect(elements).toHaveLength(1);
  });
});
