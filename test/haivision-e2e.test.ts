import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start } from '../connectors/haivision-manager/simulator/index.js';
import { API_KEY, type Harness, startHarness, waitFor } from './haivision-harness.js';

let h: Harness;
let elementId: string;

type Table = { rows: { key: string; displayKey: string; cells: Record<string, unknown> }[]; columns: { id: string }[] };
const table = async (id: string): Promise<Table> => (await h.api<Table>('GET', `/api/elements/${elementId}/tables/${id}`)).body;
const rowOf = async (tableId: string, key: string) => (await table(tableId)).rows.find((row) => row.key === key);
const simOutput = async (kind: string, index: number) => (await h.sim_('GET', '/_sim/state')).outputs[kind][index - 1];

beforeAll(async () => {
  h = await startHarness();
  // Outputs 2 start idle so that playing them is a visible change.
  for (const output of ['sdi/2', 'ip/2', 'ndi/2']) await h.sim_('POST', `/_sim/outputs/${output}`, { enable: false });
  const created = await h.api('POST', '/api/elements', {
    name: 'StreamHub Paris',
    connector: 'haivision-manager',
    connection: h.sim.elementTemplate.connection,
    params: { apiKey: API_KEY },
    // Outputs are then read at start and after actions only: a table that follows an action
    // proves the action asked for the poll.
    pollIntervals: { outputs: 600_000 },
  });
  expect(created.status).toBe(201);
  elementId = created.body.id;
}, 30_000);

afterAll(() => h?.close());

describe('Haivision Manager end to end', () => {
  it('polls the device into parameters and the four tables', async () => {
    const state = await h.sim_('GET', '/_sim/state');
    await waitFor(() => table('inputs'), (t) => t.rows.length === 6, 8_000, 'inputs');
    await waitFor(() => table('ipOutputs'), (t) => t.rows.length === 2, 8_000, 'ipOutputs');
    const params = await waitFor(
      async () => (await h.api<{ params: any[] }>('GET', `/api/elements/${elementId}/params`)).body.params,
      (list) => list.find((p) => p.id === 'healthStatus')?.value !== 'unknown' && list.find((p) => p.id === 'identifier')?.value !== null,
      8_000,
      'identity and health',
    );
    const value = (id: string) => params.find((p) => p.id === id);
    expect(value('identifier')?.value).toBe(state.identity.identifier);
    expect(value('inputCount')?.value).toBe(6);
    expect(value('sdiOutputCount')?.value).toBe(2);
    expect(value('firmwareVersion')?.value).toBe('4.1.0');
    expect(value('httpRequestStatus')?.value).toBe('200 OK');
    expect(value('apiKey')).toMatchObject({ value: null, isSet: true });
    const inputs = await table('inputs');
    expect(inputs.rows[0]).toMatchObject({ key: '1', displayKey: 'PRO460-Paris', cells: { connected: true, channelStatus: 2 } });
    const sdi = await table('sdiOutputs');
    expect(sdi.rows.map((row) => [row.key, row.displayKey])).toEqual([['sdi_1', 'SDI 1'], ['sdi_2', 'SDI 2']]);
    expect((await table('ndiOutputs')).rows.map((row) => row.key)).toEqual(['ndi_1', 'ndi_2']);
    const element = (await h.api('GET', `/api/elements/${elementId}`)).body;
    expect(element.state).toBe('active');
  });

  it('shows link statistics for live field units', async () => {
    const row = await waitFor(() => rowOf('inputs', '1'), (r) => typeof r?.cells.rxBitrate === 'number', 2_000, 'link statistics');
    expect(row?.cells.rxBitrate).toBeGreaterThan(0);
    expect(row?.cells.rtt).toBeGreaterThan(0);
  });

  const cases = [
    { type: 'SDI', table: 'sdiOutputs', key: 'sdi_2', kind: 'sdi', index: 2, name: 'SDI 2' },
    { type: 'IP', table: 'ipOutputs', key: 'RTMP Output 2', kind: 'ip', index: 2, name: 'RTMP Output 2' },
    { type: 'NDI', table: 'ndiOutputs', key: 'ndi_2', kind: 'ndi', index: 2, name: 'NDI 2' },
  ];
  for (const output of cases) {
    it(`plays and stops a stream on an ${output.type} output through the API`, async () => {
      expect((await rowOf(output.table, output.key))?.cells.enable).toBe(false);

      const played = await h.api('POST', `/api/elements/${elementId}/actions/playStream`, { rows: [output.key], inputs: { source: '1' } });
      expect(played).toEqual({ status: 200, body: { ok: true, message: `Playing PRO460-Paris on ${output.name}` } });
      expect(await simOutput(output.kind, output.index)).toMatchObject({ enable: true, sourceIndex: 0 });
      const playing = await waitFor(() => rowOf(output.table, output.key), (row) => row?.cells.enable === true, 3_000, `${output.name} playing`);
      expect(playing?.cells).toMatchObject({ status: 2, source: 'PRO460-Paris', sourceInput: '1' });

      const stopped = await h.api('POST', `/api/elements/${elementId}/actions/stopStream`, { rows: [output.key] });
      expect(stopped).toEqual({ status: 200, body: { ok: true, message: `Stopped ${output.name}` } });
      expect(await simOutput(output.kind, output.index)).toMatchObject({ enable: false });
      await waitFor(() => rowOf(output.table, output.key), (row) => row?.cells.enable === false, 3_000, `${output.name} stopped`);

      const again = await h.api('POST', `/api/elements/${elementId}/actions/stopStream`, { rows: [output.key] });
      expect(again.status).toBeGreaterThanOrEqual(400);
      expect(again.status).toBeLessThan(500);
      expect(again.body.error.message).toMatch(new RegExp(`^Could not stop ${output.name}: .*not playing`));
    });
  }

  it('defaults the source to the output current source and refuses a field unit that is not connected', async () => {
    await h.sim_('POST', '/_sim/inputs/1', { connected: true, live: true });
    await h.api('POST', `/api/elements/${elementId}/actions/playStream`, { rows: ['sdi_2'], inputs: { source: '1' } });
    await waitFor(() => rowOf('sdiOutputs', 'sdi_2'), (row) => row?.cells.sourceInput === '1', 3_000, 'SDI 2 fed by input 1');
    const replay = await h.api('POST', `/api/elements/${elementId}/actions/playStream`, { rows: ['sdi_2'] });
    expect(replay.body.message).toBe('Playing PRO460-Paris on SDI 2');

    await h.sim_('POST', '/_sim/inputs/4', { connected: false });
    await waitFor(() => rowOf('inputs', '4'), (row) => row?.cells.connected === false, 8_000, 'input 4 offline');
    const refused = await h.api('POST', `/api/elements/${elementId}/actions/playStream`, { rows: ['sdi_2'], inputs: { source: '4' } });
    expect(refused.status).toBe(422);
    expect(refused.body.error.field).toBe('inputs.source');
  });

  it('stops several outputs of different kinds at once, and says which it could not stop', async () => {
    await h.api('POST', `/api/elements/${elementId}/actions/playStream`, { rows: ['ndi_2'], inputs: { source: '1' } });
    await waitFor(() => rowOf('ndiOutputs', 'ndi_2'), (row) => row?.cells.enable === true, 3_000, 'NDI 2 playing');
    await waitFor(() => rowOf('ipOutputs', 'RTMP Output 2'), (row) => row?.cells.enable === false, 3_000, 'RTMP idle');
    const answer = await h.api('POST', `/api/elements/${elementId}/actions/stopStream`, { rows: ['sdi_2', 'ndi_2', 'RTMP Output 2'] });
    expect(answer.status).toBe(409);
    expect(answer.body.error.message).toBe('Stopped SDI 2, NDI 2; could not stop RTMP Output 2: it is not playing');
    expect(await simOutput('sdi', 2)).toMatchObject({ enable: false });
    expect(await simOutput('ndi', 2)).toMatchObject({ enable: false });
  });

  it('follows the device: an output error token shows in the table and in the health', async () => {
    expect((await h.api('PATCH', `/api/elements/${elementId}`, { pollIntervals: { outputs: 500 } })).status).toBe(200);
    await h.sim_('POST', '/_sim/outputs/sdi/1', { fault: { token: 'CONNECTION_LOST', status: 3 } });
    const row = await waitFor(() => rowOf('sdiOutputs', 'sdi_1'), (r) => r?.cells.status === 3, 8_000, 'SDI 1 error');
    expect(row?.cells.message).toBe('CONNECTION_LOST');
    const health = await waitFor(
      async () => (await h.api('GET', `/api/elements/${elementId}/params/healthStatus`)).body,
      (p) => p.value === 'error',
      8_000,
      'health error',
    );
    expect(health.display).toBe('Error');
    await h.sim_('POST', '/_sim/outputs/sdi/1', { fault: null });
  });

  it('passes on the device refusal when an output vanished since the last poll (404)', async () => {
    // Outputs are then polled only after actions, so the table still names the old output.
    await h.api('PATCH', `/api/elements/${elementId}`, { pollIntervals: { outputs: 600_000 } });
    await h.sim_('POST', `/config/item?api_key=${API_KEY}`, { item: 'streamingOutput.2.name', value: 'RTMP Renamed' });
    const refused = await h.api('POST', `/api/elements/${elementId}/actions/playStream`, { rows: ['RTMP Output 2'], inputs: { source: '1' } });
    expect(refused.status).toBe(404);
    expect(refused.body.error.message).toBe('Could not play PRO460-Paris on RTMP Output 2: no such IP output');
    const renamed = await waitFor(() => table('ipOutputs'), (t) => t.rows.some((row) => row.key === 'RTMP Renamed'), 3_000, 'renamed output');
    expect(renamed.rows.map((row) => row.key)).not.toContain('RTMP Output 2');
  });
});

describe('Haivision Manager on other firmware and transports', () => {
  it('reads older firmware (Identifier, {channels}, IPoutput, no version) the same way', async () => {
    const legacy = await start({ port: 0, seed: 4, apiKey: 'old-key', manualClock: true, legacyFirmware: true, inputs: 3, sdi: 1, ndi: 1, ip: 2 });
    try {
      const created = await h.api('POST', '/api/elements', {
        name: 'StreamHub 3.x', connector: 'haivision-manager', connection: legacy.elementTemplate.connection, params: legacy.elementTemplate.params,
      });
      const id = created.body.id;
      const ip = await waitFor(async () => (await h.api<Table>('GET', `/api/elements/${id}/tables/ipOutputs`)).body.rows, (rows) => rows.length === 2, 8_000, 'legacy IP outputs');
      expect(ip.map((row) => row.key)).toEqual(['SRT Output 1', 'RTMP Output 2']);
      expect((await h.api('GET', `/api/elements/${id}/tables/inputs`)).body.rows).toHaveLength(3);
      const identifier = await waitFor(async () => (await h.api('GET', `/api/elements/${id}/params/identifier`)).body, (p) => p.value !== null, 8_000, 'legacy identifier');
      const legacyState = (await (await fetch(`${legacy.url}/_sim/state`)).json()) as { identity: { identifier: string } };
      expect(identifier.value).toBe(legacyState.identity.identifier);
      expect((await h.api('GET', `/api/elements/${id}/params/firmwareVersion`)).body.value).toBeNull();
      await h.api('DELETE', `/api/elements/${id}`);
    } finally {
      await legacy.close();
    }
  });

  it('polls a device with a self-signed certificate when TLS verification is skipped', async () => {
    const secure = await start({ port: 0, tls: true, seed: 8, apiKey: 'tls-key', manualClock: true, inputs: 2, sdi: 1, ndi: 1, ip: 1 });
    try {
      const created = await h.api('POST', '/api/elements', {
        name: 'StreamHub TLS',
        connector: 'haivision-manager',
        connection: secure.elementTemplate.connection,
        params: secure.elementTemplate.params,
      });
      expect(created.status).toBe(201);
      expect(created.body.baseUrl).toBe(secure.url);
      const rows = await waitFor(
        async () => (await h.api<Table>('GET', `/api/elements/${created.body.id}/tables/sdiOutputs`)).body.rows,
        (list) => list.length === 1,
        8_000,
        'TLS outputs',
      );
      expect(rows[0].key).toBe('sdi_1');
      await h.api('DELETE', `/api/elements/${created.body.id}`);
    } finally {
      await secure.close();
    }
  });
});
