/**
 * Crash safety: Tally is killed with SIGKILL while it polls and writes, then started again
 * on the same data directory. Everything committed before the kill is there: element
 * configuration, the last values (shown stale until polled afresh), alarms, audit records;
 * and the database is intact.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { DEVICE_KEY, processFixture, startTallyProcess, waitFor } from './resilience-support.js';

const TOKEN = 'resilience-crash-admin-token-0123456789';
const ELEMENTS = 8;
/**
 * Longer than any write-behind delay of what is checked below (values 1 s, alarms and trends
 * ~1 s): by then it is committed. Volatile link statistics wait up to a minute; only row keys
 * and names are compared.
 */
const COMMIT_WAIT_MS = 3_000;

const fixture = processFixture('crash', TOKEN);

interface Row {
  key: string;
  cells: Record<string, unknown>;
  stale: boolean;
}

it('keeps configuration, last values, alarms and audit records across kill -9', async () => {
  const { simulator, tally } = await fixture.start(5);
  const api = tally.api;

  const ids: string[] = [];
  for (let i = 0; i < ELEMENTS; i++) {
    const created = await api('POST', '/api/elements', {
      name: `Crash StreamHub ${i}`,
      connector: 'haivision-manager',
      connection: { ...simulator.elementTemplate.connection, requestTimeout: 1_000, elementTimeout: 3_000 },
      params: { apiKey: DEVICE_KEY },
      pollIntervals: { inputs: 300, outputs: 300, linkStats: 300 },
    });
    expect(created.status).toBe(201);
    ids.push(created.body.id);
  }
  const first = ids[0];
  await waitFor(() => api('GET', `/api/elements/${first}/params/identifier`), (answer) => answer.body?.value !== null && answer.body?.stale === false, 10_000, 'a first poll');

  // Alarm activity: an SDI output in error raises a major alarm, which an operator acknowledges.
  await simulator.instance.control('POST', '/_sim/outputs/sdi/1', { fault: { token: 'SDI_NO_SIGNAL', status: 4 } });
  const alarms = await waitFor(
    () => api('GET', `/api/alarms?state=active&element=${first}`),
    (answer) => answer.body?.alarms?.length > 0,
    10_000,
    'an alarm',
  );
  const alarm = alarms.body.alarms[0];
  expect((await api('POST', `/api/alarms/${alarm.id}/ack`, { comment: 'seen, before the crash' })).status).toBe(200);

  // An operator action and a configuration change, both audited.
  const sdi = (await api('GET', `/api/elements/${first}/tables/sdiOutputs`)).body.rows as Row[];
  const inputs = (await api('GET', `/api/elements/${first}/tables/inputs`)).body.rows as Row[];
  const source = inputs.find((row) => row.cells.connected === true);
  expect(source).toBeDefined();
  const action = await api('POST', `/api/elements/${first}/actions/playStream`, { rows: [sdi[1].key], inputs: { source: source?.key } });
  expect(action.status).toBe(200);
  expect((await api('PATCH', `/api/elements/${ids[1]}`, { name: 'Renamed before the crash' })).status).toBe(200);

  await new Promise((resolve) => setTimeout(resolve, COMMIT_WAIT_MS));
  const before = {
    elements: (await api('GET', '/api/elements')).body.elements as { id: string; name: string; connection: unknown; pollIntervals: unknown }[],
    identifier: (await api('GET', `/api/elements/${first}/params/identifier`)).body,
    inputs: (await api('GET', `/api/elements/${first}/tables/inputs`)).body.rows as Row[],
    alarms: (await api('GET', '/api/alarms?state=all')).body.alarms as { id: string; acknowledged: boolean }[],
    audit: (await api('GET', '/api/audit')).body.records as { id: unknown }[],
  };
  expect(before.audit.length).toBeGreaterThanOrEqual(ELEMENTS + 3);

  // Still polling every 300 ms and writing: kill it without warning, and take the device away
  // so the restarted Tally can only show what it kept.
  await tally.kill9();
  await simulator.close();
  fixture.simulator = undefined;
  const restarted = await startTallyProcess(fixture.dataDir, TOKEN);
  fixture.tally = restarted;
  const after = restarted.api;

  const elements = (await after('GET', '/api/elements')).body.elements as typeof before.elements;
  expect(elements.map(({ id, name, connection, pollIntervals }) => ({ id, name, connection, pollIntervals })).sort((a, b) => a.id.localeCompare(b.id))).toEqual(
    before.elements.map(({ id, name, connection, pollIntervals }) => ({ id, name, connection, pollIntervals })).sort((a, b) => a.id.localeCompare(b.id)),
  );
  expect((await after('GET', `/api/elements/${first}/params/apiKey`)).body).toMatchObject({ value: null, isSet: true });

  const identifier = (await after('GET', `/api/elements/${first}/params/identifier`)).body;
  expect(identifier).toMatchObject({ value: before.identifier.value, stale: true });
  const rows = (await after('GET', `/api/elements/${first}/tables/inputs`)).body.rows as Row[];
  expect(rows.map((row) => row.key).sort()).toEqual(before.inputs.map((row) => row.key).sort());
  expect(rows.every((row) => row.stale)).toBe(true);
  expect(rows.find((row) => row.key === source?.key)?.cells.name).toBe(source?.cells.name);

  const alarmsAfter = (await after('GET', '/api/alarms?state=all')).body.alarms as { id: string; acknowledged: boolean }[];
  for (const kept of before.alarms) expect(alarmsAfter.find((candidate) => candidate.id === kept.id)).toMatchObject({ acknowledged: kept.acknowledged });
  expect(alarmsAfter.find((candidate) => candidate.id === alarm.id)?.acknowledged).toBe(true);

  const auditAfter = (await after('GET', '/api/audit')).body.records as { id: unknown }[];
  const keptIds = new Set(auditAfter.map((record) => JSON.stringify(record.id)));
  for (const record of before.audit) expect(keptIds.has(JSON.stringify(record.id))).toBe(true);

  await restarted.stop();
  const db = new Database(join(fixture.dataDir, 'tally.db'), { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  } finally {
    db.close();
  }
}, 60_000);
