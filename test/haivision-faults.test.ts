import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, type Harness, startHarness, waitFor } from './haivision-harness.js';

let h: Harness;
const FAST = { requestTimeout: 400, elementTimeout: 1_000, retries: 0 };
const QUICK_POLLS = { outputs: 500, inputs: 500 };

type ElementView = { id: string; state: string; stateReason: string };
const element = async (id: string): Promise<ElementView> => (await h.api<ElementView>('GET', `/api/elements/${id}`)).body;
const streamOf = async (id: string): Promise<{ url: string }[]> => (await h.api<{ entries: { url: string }[] }>('GET', `/api/elements/${id}/stream`)).body.entries;
const stateOf = (id: string, state: string, what = state) => waitFor(() => element(id), (e) => e.state === state, 8_000, `${what} (${id})`);

async function createElement(name: string, params: Record<string, unknown>): Promise<string> {
  const created = await h.api('POST', '/api/elements', {
    name,
    connector: 'haivision-manager',
    connection: { ...h.sim.elementTemplate.connection, ...FAST },
    params,
    pollIntervals: QUICK_POLLS,
  });
  expect(created.status).toBe(201);
  return created.body.id;
}

beforeAll(async () => {
  h = await startHarness();
}, 30_000);

afterAll(() => h?.close());

describe('configuration faults', () => {
  it('stays in error "API key not set" without a key, and runs once one is set', async () => {
    const id = await createElement('No key', {});
    expect((await stateOf(id, 'error')).stateReason).toMatch(/API key not set/);
    expect(await streamOf(id)).toEqual([]); // it never asked the device anything
    expect((await h.api('PUT', `/api/elements/${id}/params/apiKey`, { value: API_KEY })).status).toBe(200);
    expect((await stateOf(id, 'active')).stateReason).toBe('');
    await h.api('DELETE', `/api/elements/${id}`);
  });

  it('goes to error "API key rejected by the device" on a wrong key, without hammering the device', async () => {
    const id = await createElement('Wrong key', { apiKey: 'not-the-key' });
    expect((await stateOf(id, 'error')).stateReason).toMatch(/API key rejected by the device/);
    const requests = (await streamOf(id)).length;
    expect(requests).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const stream = await streamOf(id);
    expect(stream.length).toBe(requests);
    expect(stream[0].url).toContain('api_key=');
    expect(JSON.stringify(stream)).not.toContain('not-the-key');
    await h.api('PATCH', `/api/elements/${id}`, { params: { apiKey: API_KEY } });
    await stateOf(id, 'active');
    await h.api('DELETE', `/api/elements/${id}`);
  });
});

describe('injected device faults', () => {
  let id: string;

  beforeAll(async () => {
    id = await createElement('Faulty StreamHub', { apiKey: API_KEY });
    await waitFor(() => h.api('GET', `/api/elements/${id}/tables/sdiOutputs`), (t) => t.body.rows.length === 2, 8_000, 'first poll');
  });

  const timeouts: [string, Record<string, unknown>, RegExp][] = [
    ['a 500', { status: 500 }, /keeps failing.*500/],
    ['a 503 with Retry-After', { status: 503, retryAfter: 1 }, /keeps failing.*503/],
    ['a hang', { hang: true }, /no answer from the device/],
    ['a dropped connection', { drop: true }, /no answer from the device/],
    ['a malformed body', { malformed: true }, /invalid JSON/],
    ['truncated JSON', { truncated: true }, /invalid JSON/],
    ['an oversized body', { oversizedBytes: 9 * 1024 * 1024 }, /larger than/],
    ['a slow drip', { slowDripMs: 100 }, /no answer from the device|did not finish/],
  ];
  for (const [what, fault, reason] of timeouts) {
    it(`goes to timeout on ${what} with the reason, and recovers when it is cleared`, async () => {
      await h.sim_('POST', '/_sim/faults', fault);
      const failed = await stateOf(id, 'timeout', `timeout on ${what}`);
      expect(failed.stateReason).toMatch(reason);
      const stale = (await h.api('GET', `/api/elements/${id}/params/identifier`)).body;
      expect(stale.stale).toBe(true);
      await h.sim_('DELETE', '/_sim/faults');
      expect((await stateOf(id, 'active', `recovery from ${what}`)).stateReason).toBe('');
      const fresh = await waitFor(() => h.api('GET', `/api/elements/${id}/params/httpRequestStatus`), (p) => p.body.value === '200 OK', 5_000, '200 OK');
      expect(fresh.body.stale).toBe(false);
    }, 20_000);
  }

  it('rides out latency below the request timeout', async () => {
    await h.sim_('POST', '/_sim/faults', { latencyMs: 100 });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await element(id)).toMatchObject({ state: 'active', stateReason: '' });
    await h.sim_('DELETE', '/_sim/faults');
  });

  for (const [status, reason] of [[401, /API key rejected by the device/], [403, /API key not allowed by the device/]] as const) {
    it(`goes to error on an injected ${status} and runs again after a restart once the device accepts the key`, async () => {
      await h.sim_('POST', '/_sim/faults', { status });
      expect((await stateOf(id, 'error', `error on ${status}`)).stateReason).toMatch(reason);
      await h.sim_('DELETE', '/_sim/faults');
      expect((await h.api('POST', `/api/elements/${id}/restart`)).status).toBe(200);
      await stateOf(id, 'active', `restart after ${status}`);
    }, 20_000);
  }
});
