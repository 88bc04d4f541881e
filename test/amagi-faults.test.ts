/**
 * Amagi CLOUDPORT fault tests: each fault injected at the simulator puts the element in the
 * right state with a reason, and it recovers when the fault is cleared.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, until, type Harness } from './amagi-support.js';

let h: Harness;
let id: string;

const element = async (): Promise<any> => (await h.api('GET', `/api/elements/${id}`)).body;
const param = async (paramId: string): Promise<any> => (await h.api('GET', `/api/elements/${id}/params/${paramId}`)).body;

async function expectState(state: string, reason: RegExp): Promise<void> {
  const view = await until(`state ${state}`, async () => {
    const current = await element();
    return current.state === state && reason.test(current.stateReason) ? current : undefined;
  }, 8_000);
  expect(view.stateReason).toMatch(reason);
}

async function recovers(): Promise<void> {
  await h.control('DELETE', '/_sim/faults');
  await until('recovery', async () => {
    const view = await element();
    return view.state === 'active' && view.stateReason === '' && (await param('customerName')).stale === false;
  }, 8_000);
  expect((await param('httpRequestStatus')).value).toBe('200 OK');
}

beforeAll(async () => {
  h = await startHarness({ tls: false });
  const created = await h.api('POST', '/api/elements', {
    name: 'Acme faults',
    connector: 'amagi-cloudport',
    connection: { ...h.sim.elementTemplate.connection, requestTimeout: 400, elementTimeout: 1200, retries: 0 },
    params: h.sim.elementTemplate.params,
    pollIntervals: { account: 300, services: 300 },
  });
  expect(created.status).toBe(201);
  id = created.body.id;
  await until('the first poll', async () => (await param('customerName')).value === 'acme');
});

afterAll(async () => {
  await h?.close();
});

describe('Amagi CLOUDPORT faults', () => {
  it('a service that hangs: timeout, values stale, then recovery', async () => {
    await h.control('POST', '/_sim/faults', { hang: true });
    await expectState('timeout', /no answer from the device/);
    expect((await param('customerName')).stale).toBe(true);
    await recovers();
  });

  it('500 answers: timeout naming the status, then recovery', async () => {
    await h.control('POST', '/_sim/faults', { status: 500 });
    await expectState('timeout', /500/);
    expect((await param('httpRequestStatus')).value).toBe('500 Internal Server Error');
    await recovers();
  });

  it('503 with Retry-After: timeout naming the status, then recovery', async () => {
    await h.control('POST', '/_sim/faults', { status: 503, retryAfter: 1 });
    await expectState('timeout', /503/);
    await recovers();
  });

  it('malformed JSON: timeout naming invalid JSON, then recovery', async () => {
    await h.control('POST', '/_sim/faults', { malformedJson: true });
    await expectState('timeout', /invalid JSON/);
    await recovers();
  });

  it('latency within the request timeout: still active', async () => {
    await h.control('POST', '/_sim/faults', { latencyMs: 150 });
    const requestsBefore = (await h.control('GET', '/_sim/state')).counters.requests;
    await until('a few slow polls', async () => (await h.control('GET', '/_sim/state')).counters.requests >= requestsBefore + 4);
    expect((await element()).state).toBe('active');
    await h.control('DELETE', '/_sim/faults');
  });
});
