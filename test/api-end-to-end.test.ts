/**
 * End to end on real sockets: a test connector against a local HTTP device, driven only
 * through the public API (HTTP and the live WebSocket), then Tally restarted on the same
 * data directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createTally, type Tally } from '../src/app/create-tally.js';
import type { LiveMessage } from '../src/runtime/views.js';
import { startTestDevice, type TestDevice } from './api-fixtures/test-device-server.js';
import { ADMIN_TOKEN, TEST_CONNECTORS_DIR, waitFor } from './api-support.js';

describe('Tally end to end', () => {
  let dataDir: string;
  let device: TestDevice;
  let tally: Tally;
  const env = { TALLY_SECRET_KEY: 'end-to-end secret key material' };
  const start = () => createTally({ dataDir, port: 0, adminToken: ADMIN_TOKEN, connectorsDir: TEST_CONNECTORS_DIR, env });

  async function api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${tally.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tally-e2e-'));
    device = await startTestDevice();
    tally = await start();
  });
  afterAll(async () => {
    await tally.close();
    await device.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates an element, receives its values live, runs an action, and keeps it all across a restart', async () => {
    const live = new WebSocket(`${tally.url.replace('http', 'ws')}/api/live`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const messages: LiveMessage[] = [];
    live.on('message', (data) => messages.push(...(JSON.parse(data.toString()) as LiveMessage[])));
    await new Promise((resolve) => live.once('open', resolve));
    live.send(JSON.stringify({ subscribe: { elements: '*' } }));

    const created = await api<{ id: string; state: string }>('POST', '/api/elements', {
      name: 'Studio encoder',
      connector: 'test-device',
      connection: { host: `http://127.0.0.1:${device.port}` },
      params: { apiKey: device.apiKey },
    });
    expect(created.status).toBe(201);
    const { id } = created.body;

    await waitFor(() => messages.some((message) => message.type === 'params' && message.elementId === id && message.params.some((param) => param.id === 'model' && param.value === 'TD-1')));
    await waitFor(() => messages.some((message) => message.type === 'element' && message.element.id === id && message.element.state === 'active'));
    await waitFor(() => messages.some((message) => message.type === 'rows' && message.elementId === id && message.rows.some((row) => row.key === 'out1')));

    const action = await api('POST', `/api/elements/${id}/actions/toggleOutput`, { rows: ['out1'], inputs: { reason: 'end to end' } });
    expect(action).toEqual({ status: 200, body: { ok: true, message: 'Output 1 toggled' } });
    expect(device.state.outputs[0].status).toBe('off');
    expect(device.state.received.some((request) => request.url === '/outputs/out1/toggle' && request.body.includes('end to end'))).toBe(true);
    await waitFor(() =>
      messages.some((message) => message.type === 'rows' && message.elementId === id && message.rows.some((row) => row.key === 'out1' && row.cells.status === 'off')),
    );
    live.close();

    await tally.close();
    device.state.model = 'TD-2';
    tally = await start();
    const afterRestart = await api<{ params: { id: string; value: unknown; stale: boolean }[] }>('GET', `/api/elements/${id}/params`);
    expect(afterRestart.status).toBe(200);
    const model = afterRestart.body.params.find((param) => param.id === 'model');
    expect(model?.value === 'TD-1' ? model.stale : true).toBe(true);
    await waitFor(async () => (await api<{ value: unknown; stale: boolean }>('GET', `/api/elements/${id}/params/model`)).body.value === 'TD-2');
    const table = await api<{ rows: { key: string; cells: Record<string, unknown> }[] }>('GET', `/api/elements/${id}/tables/outputs`);
    expect(table.body.rows.find((row) => row.key === 'out1')?.cells.status).toBe('off');
  });
});
