/** Secrets are write-only: never in an API answer, a log line, the stream viewer or the database file. */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED_LOG_PATHS } from '../src/cli/cli-logger.js';
import { startTestDevice, type TestDevice } from './api-fixtures/test-device-server.js';
import { ADMIN_TOKEN, PASSWORD, startTestTally, waitFor, type TestTally } from './api-support.js';

const SECRET = 'sk-very-secret-device-key-4711';

describe('secrets', () => {
  let t: TestTally;
  let device: TestDevice;
  let id: string;
  let logs = '';

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logs += chunk.toString();
        done();
      },
    });
    t = await startTestTally({ logger: pino({ level: 'debug', redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } }, sink) });
    device = await startTestDevice({ apiKey: SECRET });
    const created = await t.call('admin', {
      method: 'POST',
      url: '/api/elements',
      payload: { name: 'Secretive', connector: 'test-device', connection: { host: '127.0.0.1', port: device.port }, params: { apiKey: SECRET } },
    });
    id = created.json().id;
    expect(created.body).not.toContain(SECRET);
    await waitFor(async () => (await t.call('viewer', { method: 'GET', url: `/api/elements/${id}/params/model` })).json().value === 'TD-1');
    const set = await t.call('operator', { method: 'PUT', url: `/api/elements/${id}/params/apiKey`, payload: { value: SECRET } });
    expect(set.statusCode).toBe(200);
    expect(set.body).not.toContain(SECRET);
    await t.tally.server.inject({ method: 'POST', url: '/api/session', payload: { username: 'viewer', password: PASSWORD } });
  });
  afterAll(async () => {
    await t.close();
    await device.close();
  });

  it('never returns a secret from any route', async () => {
    const urls = [
      '/api/elements',
      `/api/elements/${id}`,
      `/api/elements/${id}/params`,
      `/api/elements/${id}/params/apiKey`,
      `/api/elements/${id}/tables/outputs`,
      `/api/elements/${id}/stream`,
      `/api/elements/${id}/events`,
      '/api/audit?limit=1000',
      '/api/connectors',
      '/api/users',
      '/api/users/admin/tokens',
    ];
    for (const url of urls) {
      const response = await t.call('admin', { method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.body, url).not.toContain(SECRET);
      expect(response.body, url).not.toContain(ADMIN_TOKEN);
      expect(response.body, url).not.toContain(PASSWORD);
    }
    const param = (await t.call('admin', { method: 'GET', url: `/api/elements/${id}/params/apiKey` })).json();
    expect(param).toMatchObject({ value: null, isSet: true, secret: true });
  });

  it('masks the secret in the stream viewer although the device received it', async () => {
    expect(device.state.received.length).toBeGreaterThan(0);
    const stream = await t.call('viewer', { method: 'GET', url: `/api/elements/${id}/stream` });
    expect(stream.json().entries.length).toBeGreaterThan(0);
    expect(stream.body).not.toContain(SECRET);
  });

  it('never logs a secret, a token or a password', async () => {
    await t.tally.server.inject({ method: 'GET', url: '/api/elements', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, cookie: 'tally_session=abc' } });
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(SECRET);
    expect(logs).not.toContain(ADMIN_TOKEN);
    expect(logs).not.toContain(PASSWORD);
  });

  it('keeps the secret sealed in the database file', async () => {
    await t.tally.elements.stop();
    for (const file of ['tally.db', 'tally.db-wal']) {
      const path = join(t.dataDir, file);
      if (existsSync(path)) expect(readFileSync(path).includes(Buffer.from(SECRET)), file).toBe(false);
    }
  });
});
