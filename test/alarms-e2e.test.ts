/**
 * Alarms, trends, webhooks and metrics end to end: a Haivision simulator driven into
 * failure and back, a whole Tally with the monitoring extension, checked through the API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTally, type Tally } from '../src/app/create-tally.js';
import { monitoringExtension } from '../src/alarms/monitoring-extension.js';
import { SecretBox } from '../src/security/secret-box.js';
import { start, type HaivisionSimulator } from '../connectors/haivision-manager/simulator/index.js';
import { ALARM_TEMPLATE } from '../connectors/haivision-manager/alarm-template.js';
import { waitFor } from './haivision-harness.js';

const API_KEY = 'alarms-e2e-key';
const ADMIN = 'tly_alarms-e2e-admin-token-0123456789';

interface Alarm {
  id: number;
  elementId: string;
  ruleId: string;
  paramId: string | null;
  rowKey: string | null;
  displayKey: string | null;
  severity: string;
  message: string;
  clearedAt: number | null;
  acknowledged: boolean;
  ackUser: string | null;
  ackComment: string | null;
}

let sim: HaivisionSimulator;
let tally: Tally;
let dataDir: string;
let elementId: string;
let hookServer: Server;
const hookEvents: { change: string; alarm: Alarm }[] = [];

async function call<T = any>(method: string, path: string, body?: unknown, token: string | null = ADMIN): Promise<{ status: number; body: T; text: string }> {
  const base = path.startsWith('/_sim') ? sim.url : tally.url;
  const answer = await request(base + path, {
    method: method as 'GET',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  const text = await answer.body.text();
  const json = text && answer.headers['content-type']?.toString().includes('json') ? JSON.parse(text) : null;
  return { status: answer.statusCode, body: json as T, text };
}

const alarms = async (query = ''): Promise<Alarm[]> => (await call<{ alarms: Alarm[] }>('GET', `/api/alarms?element=${elementId}${query}`)).body.alarms;
const activeOn = (paramId: string | null, rowKey: string | null) => async () => (await alarms()).find((a) => a.paramId === paramId && a.rowKey === rowKey);

beforeAll(async () => {
  hookServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      hookEvents.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hookServer.listen(0, '127.0.0.1', resolve));

  dataDir = mkdtempSync(join(tmpdir(), 'tally-alarms-e2e-'));
  sim = await start({ port: 0, seed: 3, apiKey: API_KEY, manualClock: true, inputs: 4, sdi: 2, ndi: 1, ip: 1 });
  const secretKey = 'alarms e2e secret key material';
  tally = await createTally({
    dataDir,
    host: '127.0.0.1',
    port: 0,
    adminToken: ADMIN,
    env: { TALLY_SECRET_KEY: secretKey },
    server: { webDist: join(dataDir, 'no-ui') },
    extensions: [monitoringExtension({ sealer: SecretBox.fromKeyMaterial(secretKey), trendGauges: true })],
  });
  const created = await call('POST', '/api/elements', {
    name: 'StreamHub Alarms',
    connector: 'haivision-manager',
    connection: { ...sim.elementTemplate.connection, requestTimeout: 400, elementTimeout: 1_000, retries: 0 },
    params: { apiKey: API_KEY },
    pollIntervals: { outputs: 300, inputs: 300 },
  });
  expect(created.status).toBe(201);
  elementId = created.body.id;
  const { port } = hookServer.address() as AddressInfo;
  expect((await call('POST', '/api/notifications/webhooks', { url: `http://127.0.0.1:${port}/tally/hook-token`, minSeverity: 'major' })).status).toBe(201);
}, 30_000);

afterAll(async () => {
  await tally?.close();
  await sim?.close();
  await new Promise((resolve) => hookServer?.close(resolve));
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('monitoring end to end', () => {
  it('starts from the connector’s default template, takes an override, refusing a bad one with the field at fault', async () => {
    expect((await call('GET', `/api/elements/${elementId}/alarm-template`)).body).toEqual({ source: 'connector', rules: ALARM_TEMPLATE.rules });
    const bad = await call('PUT', `/api/elements/${elementId}/alarm-template`, {
      rules: [{ id: 'x', target: { table: 'sdiOutputs', column: 'colour' }, kind: 'discrete', values: [{ value: 3, severity: 'major' }] }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'VALIDATION', field: 'rules[0].target.column' });
    const anonymous = await call('PUT', `/api/elements/${elementId}/alarm-template`, ALARM_TEMPLATE, null);
    expect(anonymous.status).toBe(401);
    const withoutInputs = { rules: ALARM_TEMPLATE.rules.filter((rule) => rule.id !== 'inputs.channelStatus') };
    const put = await call('PUT', `/api/elements/${elementId}/alarm-template`, withoutInputs);
    expect(put.status).toBe(200);
    expect((await call('GET', `/api/elements/${elementId}/alarm-template`)).body).toEqual({ source: 'element', ...withoutInputs });
    const reset = await call('DELETE', `/api/elements/${elementId}/alarm-template`);
    expect(reset.body).toEqual({ source: 'connector', rules: ALARM_TEMPLATE.rules });
  });

  it('raises a major alarm when an SDI output fails, acknowledges it, and clears it when the output recovers', async () => {
    await call('POST', '/_sim/outputs/sdi/1', { fault: { token: 'CONNECTION_LOST', status: 3 } });
    const alarm = await waitFor(activeOn('sdiOutputs.status', 'sdi_1'), (a) => a?.severity === 'major', 8_000, 'SDI 1 alarm');
    expect(alarm).toMatchObject({ displayKey: 'SDI 1', message: 'SDI 1 Status is Error' });

    const acked = await call('POST', `/api/alarms/${alarm!.id}/ack`, { comment: 'engineer on the way' });
    expect(acked.status).toBe(200);
    expect(acked.body).toMatchObject({ acknowledged: true, ackUser: 'admin', ackComment: 'engineer on the way' });
    const summary = (await call('GET', '/api/alarms/summary')).body;
    expect(summary.elements[elementId]).toBe('major');

    await call('POST', '/_sim/outputs/sdi/1', { fault: null });
    await waitFor(activeOn('sdiOutputs.status', 'sdi_1'), (a) => a === undefined, 8_000, 'SDI 1 alarm cleared');
    const history = await alarms('&state=all');
    expect(history.find((a) => a.id === alarm!.id)?.clearedAt).toEqual(expect.any(Number));
    const steps = (await call('GET', `/api/alarms/${alarm!.id}/history`)).body.changes.map((c: { change: string }) => c.change);
    expect(steps).toEqual(['raised', 'acknowledged', 'cleared']);
    await waitFor(async () => hookEvents.filter((e) => e.alarm.id === alarm!.id).map((e) => e.change), (c) => c.length === 3, 5_000, 'webhook');
  });

  it('raises one timeout alarm while the device fails and clears it when the device answers again', async () => {
    await call('POST', '/_sim/faults', { status: 503 });
    const timeout = await waitFor(activeOn(null, null), (a) => a?.severity === 'timeout', 8_000, 'timeout alarm');
    expect(timeout?.ruleId).toBe('element-state');
    expect((await call('GET', `/api/alarms?severity=timeout`)).body.alarms).toHaveLength(1);
    await call('DELETE', '/_sim/faults');
    await waitFor(() => alarms(), (list) => !list.some((a) => a.ruleId === 'element-state'), 8_000, 'timeout cleared');
  });

  it('keeps trend points of trended columns and serves metrics to a signed-in scraper', async () => {
    const points = await waitFor(
      async () => (await call('GET', `/api/elements/${elementId}/trends/inputs.rxBitrate?row=1&window=raw&from=0`)).body,
      (body) => body?.points?.length > 0,
      8_000,
      'trend points',
    );
    expect(points).toMatchObject({ elementId, paramId: 'inputs.rxBitrate', row: '1', window: 'raw' });
    expect((await call('GET', `/api/elements/${elementId}/trends`)).body.trended).toContain('inputs.rxBitrate');
    expect((await call('GET', `/api/elements/${elementId}/trends/healthStatus`)).status).toBe(404);

    expect((await call('GET', '/metrics', undefined, null)).status).toBe(401);
    const metrics = await call('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/tally_active_alarms\{severity="major"\} \d/);
    expect(metrics.text).toMatch(/tally_elements\{connector="haivision-manager",state="active"\} 1/);
    expect(metrics.text).toMatch(new RegExp(`tally_trend_value\\{element="${elementId}",parameter="inputs.rxBitrate",row="1"\\} \\d`));
    expect(metrics.text).toMatch(/tally_store_flush_seconds_count\{writer="alarms"\} [1-9]/);
    // The runtime reports into the same registry: polls, device answers and value writes.
    expect(metrics.text).toMatch(/tally_poll_duration_seconds_count\{[^}]*\} [1-9]/);
    expect(metrics.text).toMatch(/tally_device_requests_total\{status="200"\} [1-9]/);
    expect(metrics.text).toMatch(/tally_store_flush_seconds_count\{writer="values"\} [1-9]/);
  });

  it('documents its routes in the OpenAPI document', async () => {
    const document = await call('GET', '/api/openapi.json');
    expect(document.status).toBe(200);
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/alarms',
        '/api/alarms/{alarmId}/ack',
        '/api/elements/{id}/alarm-template',
        '/api/elements/{id}/trends/{paramId}',
        '/api/notifications/webhooks',
      ]),
    );
  });

  it('keeps webhook URLs to admins and masked', async () => {
    const list = await call('GET', '/api/notifications/webhooks');
    expect(list.body.webhooks[0].url).not.toContain('hook-token');
    expect(list.body.webhooks[0].delivered).toBeGreaterThan(0);
  });
});
