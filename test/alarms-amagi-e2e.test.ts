/**
 * CLOUDPORT alarms end to end: the simulator driven into failure (a service off air, a failed
 * switchover, rejected credentials) and back, with the connector's default template.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTally, type Tally } from '../src/app/create-tally.js';
import { monitoringExtension } from '../src/alarms/monitoring-extension.js';
import { SecretBox } from '../src/security/secret-box.js';
import { start, type RunningCloudport } from '../connectors/amagi-cloudport/simulator/index.js';
import { ALARM_TEMPLATE } from '../connectors/amagi-cloudport/alarm-template.js';

const USERNAME = 'noc@acme.tv';
const PASSWORD = 'alarms-cloudport-pass';
const ADMIN = 'tly_alarms-amagi-admin-token-0123456789';
const SECRET = 'alarms amagi secret key material';

interface Alarm {
  id: number;
  ruleId: string;
  paramId: string | null;
  rowKey: string | null;
  severity: string;
  message: string;
}

let dir: string;
let sim: RunningCloudport;
let tally: Tally;
let insecure: Agent;
let id: string;

async function api(method: string, url: string, payload?: unknown): Promise<{ status: number; body: any }> {
  const response = await tally.server.inject({
    method: method as 'GET',
    url,
    headers: { authorization: `Bearer ${ADMIN}` },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : undefined };
}

async function control(method: string, path: string, payload?: unknown): Promise<unknown> {
  const answer = await request(`${sim.url}${path}`, { method: method as 'GET', dispatcher: insecure, body: payload === undefined ? undefined : JSON.stringify(payload) });
  return answer.body.json();
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await activeAlarms())}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const activeAlarms = async (elementId = id): Promise<Alarm[]> => (await api('GET', `/api/alarms?element=${elementId}`)).body.alarms;
const alarmOn = (paramId: string | null, rowKey: string | null = null, elementId = id) => async () =>
  (await activeAlarms(elementId)).find((alarm) => alarm.paramId === paramId && alarm.rowKey === rowKey);
const noAlarmOn = (paramId: string | null, rowKey: string | null = null, elementId = id) => async () =>
  (await alarmOn(paramId, rowKey, elementId)()) ? undefined : true;

async function createElement(name: string, password: string): Promise<string> {
  const created = await api('POST', '/api/elements', {
    name,
    connector: 'amagi-cloudport',
    connection: sim.elementTemplate.connection,
    params: { username: USERNAME, password },
    pollIntervals: { account: 300, services: 300, switchoverStatus: 300 },
  });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tally-alarms-amagi-'));
  const connectors = join(dir, 'connectors', 'amagi-cloudport');
  mkdirSync(connectors, { recursive: true });
  // Only this connector: the test does not depend on other connectors' work in progress.
  writeFileSync(join(connectors, 'index.ts'), `export { default } from ${JSON.stringify(join(process.cwd(), 'connectors/amagi-cloudport/index.ts'))};\n`);
  sim = await start({ host: '127.0.0.1', port: 0, seed: 11, volatility: 0, username: USERNAME, password: PASSWORD, switchoverMs: 600 });
  insecure = new Agent({ connect: { rejectUnauthorized: false } });
  tally = await createTally({
    dataDir: join(dir, 'data'),
    host: '127.0.0.1',
    port: 0,
    adminToken: ADMIN,
    connectorsDir: join(dir, 'connectors'),
    env: { TALLY_SECRET_KEY: SECRET },
    server: { webDist: join(dir, 'no-ui') },
    extensions: [monitoringExtension({ sealer: SecretBox.fromKeyMaterial(SECRET) })],
  });
  id = await createElement('Acme CLOUDPORT', PASSWORD);
}, 30_000);

afterAll(async () => {
  await tally?.close();
  await sim?.close();
  await insecure?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('CLOUDPORT alarms end to end', () => {
  it('monitors with the connector’s default template', async () => {
    expect((await api('GET', `/api/elements/${id}/alarm-template`)).body).toEqual({ source: 'connector', rules: ALARM_TEMPLATE.rules });
  });

  it('a service off air is major and makes the account unhealthy (critical); both clear when it is back', async () => {
    await until('the services to be polled', async () => ((await api('GET', `/api/elements/${id}/tables/cloudportServices`)).body.rows.length > 0 ? true : undefined));
    expect(await activeAlarms()).toEqual([]);
    await control('POST', '/_sim/headends/acme_news_001', { playout: 'off' });
    const offAir = await until('the off-air alarm', alarmOn('cloudportServices.playoutStatus', 'acme_news_001'));
    expect(offAir).toMatchObject({ severity: 'major', message: expect.stringContaining('Playout Status') });
    const health = await until('the health alarm', alarmOn('healthStatus'));
    expect(health.severity).toBe('critical');
    expect((await api('GET', '/api/alarms/summary')).body.elements[id]).toBe('critical');

    await control('POST', '/_sim/headends/acme_news_001', { playout: 'media' });
    await until('the off-air alarm to clear', noAlarmOn('cloudportServices.playoutStatus', 'acme_news_001'));
    await until('the health alarm to clear', noAlarmOn('healthStatus'));
  });

  it('an offline agent is major', async () => {
    await control('POST', '/_sim/headends/acme_news_002', { agent: 0 });
    expect((await until('the agent alarm', alarmOn('cloudportServices.agentHealth', 'acme_news_002'))).severity).toBe('major');
    await control('POST', '/_sim/headends/acme_news_002', { agent: 1 });
    await until('the agent alarm to clear', noAlarmOn('cloudportServices.agentHealth', 'acme_news_002'));
  });

  it('a failed switchover is major', async () => {
    await control('POST', '/_sim/faults', { failSwitchover: true });
    expect((await api('PUT', `/api/elements/${id}/params/switchoverFeed`, { value: 'acme_sports' })).status).toBe(200);
    expect((await api('POST', `/api/elements/${id}/actions/switchover`, {})).status).toBe(200);
    const failed = await until('the switchover alarm', alarmOn('switchoverStatus'));
    expect(failed).toMatchObject({ severity: 'major', message: 'Switchover Status is failed' });
    await control('DELETE', '/_sim/faults');
  });

  it('rejected credentials raise one error alarm with the reason, cleared once the element runs', async () => {
    const wrong = await createElement('Acme wrong password', 'not-the-password');
    const error = await until('the error alarm', alarmOn(null, null, wrong));
    expect(error).toMatchObject({ severity: 'error', ruleId: 'element-state', message: expect.stringContaining('sign-in rejected') });
    expect((await api('PATCH', `/api/elements/${wrong}`, { params: { password: PASSWORD } })).status).toBe(200);
    await until('the error alarm to clear', noAlarmOn(null, null, wrong));
    expect((await api('DELETE', `/api/elements/${wrong}`)).status).toBe(204);
  });
});
