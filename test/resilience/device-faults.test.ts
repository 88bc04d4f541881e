/**
 * Device faults against a running Tally: for each, the faulty element reaches the expected
 * state with a reason a person understands within its element timeout, its values are
 * marked stale, a second element on a healthy device keeps polling undisturbed, and the
 * element recovers within one interval of the fault clearing. The faulty device runs in a
 * process of its own (see fault-device-process.ts).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { start as startSimulator, type HaivisionSimulator } from '../../connectors/haivision-manager/simulator/index.js';
import {
  DEVICE_KEY,
  type FaultDevice,
  type FaultPlan,
  startFaultDevice,
  startTallyUnderTest,
  type TallyUnderTest,
  waitFor,
} from './resilience-support.js';

const INTERVAL_MS = 500;
const REQUEST_TIMEOUT_MS = 500;
const ELEMENT_TIMEOUT_MS = 1_500;
/** Room for the API round trips of the test itself on a busy CI machine. */
const SLACK_MS = 700;
/** The fault is seen within the element timeout plus the request already waiting on the device. */
const DETECTION_LIMIT_MS = ELEMENT_TIMEOUT_MS + REQUEST_TIMEOUT_MS + SLACK_MS;
/** One interval (the capped retry), plus a request that was already hanging when the fault cleared. */
const RECOVERY_LIMIT_MS = INTERVAL_MS + REQUEST_TIMEOUT_MS + SLACK_MS;
/** A busy machine may need several retries before 8 MiB of an answer arrive within the request timeout. */
const CAP_SEEN_LIMIT_MS = 10_000;
const FAST = { requestTimeout: REQUEST_TIMEOUT_MS, elementTimeout: ELEMENT_TIMEOUT_MS, retries: 0 };
const POLLS = { inputs: INTERVAL_MS, outputs: INTERVAL_MS };

interface ElementView {
  id: string;
  state: string;
  stateReason: string;
}
interface StreamEntry {
  time: number;
  status: number | null;
  error: string | null;
}

let t: TallyUnderTest;
let device: FaultDevice;
let healthySimulator: HaivisionSimulator;
let faulty: string;
let healthy: string;

const element = async (id: string): Promise<ElementView> => (await t.api<ElementView>('GET', `/api/elements/${id}`)).body;
const stream = async (id: string): Promise<StreamEntry[]> => (await t.api<{ entries: StreamEntry[] }>('GET', `/api/elements/${id}/stream`)).body.entries;
const params = async (id: string): Promise<{ id: string; stale: boolean }[]> => (await t.api('GET', `/api/elements/${id}/params`)).body.params;

async function createElement(name: string, connection: Record<string, unknown>): Promise<string> {
  const created = await t.api<ElementView>('POST', '/api/elements', {
    name,
    connector: 'haivision-manager',
    connection: { ...connection, ...FAST },
    params: { apiKey: DEVICE_KEY },
    pollIntervals: POLLS,
  });
  expect(created.status).toBe(201);
  return created.body.id;
}

async function reaches(id: string, state: string, limitMs: number): Promise<ElementView> {
  return waitFor(() => element(id), (view) => view.state === state, limitMs, `${state} of ${id}`);
}

/** The healthy element answered successfully throughout `sinceMs` and is still active. */
async function expectUndisturbed(sinceMs: number): Promise<void> {
  const view = await element(healthy);
  expect(view.state).toBe('active');
  const recent = (await stream(healthy)).filter((entry) => entry.time >= sinceMs);
  expect(recent.length).toBeGreaterThanOrEqual(2);
  expect(recent.every((entry) => entry.status === 200 && entry.error === null)).toBe(true);
  expect(Date.now() - Math.max(...recent.map((entry) => entry.time))).toBeLessThan(2 * INTERVAL_MS + SLACK_MS);
}

/** Injects `fault`, expects `state` with a reason matching `reason`, clears, expects recovery. */
/** `whileFaulty` checks more before the fault is cleared; what it answers is not used. */
async function faultAndRecover(
  inject: () => Promise<void>,
  clear: () => Promise<void>,
  state: string,
  reason: RegExp,
  whileFaulty?: () => Promise<unknown>,
): Promise<void> {
  const injectedAt = Date.now();
  await inject();
  const failed = await reaches(faulty, state, DETECTION_LIMIT_MS);
  expect(failed.stateReason).toMatch(reason);
  if (state === 'timeout') expect((await params(faulty)).find((param) => param.id === 'identifier')?.stale).toBe(true);
  await expectUndisturbed(injectedAt);
  await whileFaulty?.();
  await clear();
  const clearedAt = Date.now();
  await reaches(faulty, 'active', RECOVERY_LIMIT_MS);
  expect(Date.now() - clearedAt).toBeLessThan(RECOVERY_LIMIT_MS);
  await waitFor(() => params(faulty), (list) => list.find((param) => param.id === 'identifier')?.stale === false, INTERVAL_MS + SLACK_MS, 'fresh values');
}

const plan = (fault: FaultPlan) => () => device.fault(fault);
const clearFaults = () => device.clear();

// Every fault, with the exchanges made on the event loop and on an HTTP thread (what `tally start` uses).
describe.each([
  ['on the event loop', 0],
  ['on an HTTP thread', 1],
])('exchanges with devices %s', (_where, httpThreads) => {
  beforeAll(async () => {
    t = await startTallyUnderTest({ httpThreads });
    [device, healthySimulator] = await Promise.all([startFaultDevice(), startSimulator({ port: 0, apiKey: DEVICE_KEY, seed: 2 })]);
    healthy = await createElement('Healthy StreamHub', healthySimulator.elementTemplate.connection as Record<string, unknown>);
    faulty = await createElement('Faulty StreamHub', { host: '127.0.0.1', port: device.port, tls: false });
    await Promise.all([reaches(healthy, 'active', 5_000), reaches(faulty, 'active', 5_000)]);
  }, 30_000);

  afterAll(async () => {
    await t?.close();
    await device?.stop();
    await healthySimulator?.close();
  });

  beforeEach(async () => {
    await device.clear();
    await device.resetMidBody(false);
    if ((await element(faulty)).state !== 'active') await t.api('POST', `/api/elements/${faulty}/restart`);
    await reaches(faulty, 'active', 5_000);
  });

  describe('a device that stops answering properly', () => {
    it('hangs: timeout "no answer within …", recovers when it answers again', async () => {
      await faultAndRecover(plan({ hang: true }), clearFaults, 'timeout', /no answer from the device for 1\.5 s: no answer within 500 ms/);
    });

    it('drops the connection before answering: timeout naming the closed connection', async () => {
      await faultAndRecover(plan({ drop: true }), clearFaults, 'timeout', /for 1\.5 s: .*(closed|reset|ECONNRESET)/i);
    });

    it('resets the connection in the middle of a body: timeout naming the reset', async () => {
      await faultAndRecover(() => device.resetMidBody(true), () => device.resetMidBody(false), 'timeout', /for 1\.5 s: .*(closed|reset|ECONNRESET|terminated)/i);
    });

    it('answers 500: timeout "the device keeps failing … 500"', async () => {
      await faultAndRecover(plan({ status: 500 }), clearFaults, 'timeout', /the device keeps failing for 1\.5 s: device answered 500/);
    });

    it('sends JSON that is not JSON: timeout naming the invalid JSON', async () => {
      await faultAndRecover(plan({ malformed: true }), clearFaults, 'timeout', /for 1\.5 s: the device sent invalid JSON/);
    });

    it('sends JSON cut in the middle: timeout naming the invalid JSON', async () => {
      await faultAndRecover(plan({ truncated: true }), clearFaults, 'timeout', /for 1\.5 s: the device sent invalid JSON/);
    });

    it('drips its answer a few bytes at a time: timeout within the request timeout', async () => {
      await faultAndRecover(plan({ slowDripMs: 100 }), clearFaults, 'timeout', /for 1\.5 s: no answer within 500 ms/);
    });

    it('is switched off (connection refused): timeout naming ECONNREFUSED, back when it listens again', async () => {
      const port = device.port;
      await faultAndRecover(
        () => device.stop(),
        async () => {
          device = await startFaultDevice({ port });
        },
        'timeout',
        /no answer from the device for 1\.5 s: connect ECONNREFUSED/,
      );
    });
  });

  describe('a device that refuses Tally', () => {
    it('answers 503 with Retry-After: retries no sooner than asked, then timeout; recovers', async () => {
      const injectedAt = Date.now();
      await faultAndRecover(plan({ status: 503, retryAfter: 1 }), clearFaults, 'timeout', /device answered 503/);
      const refused = (await stream(faulty)).filter((entry) => entry.time >= injectedAt && entry.status === 503).map((entry) => entry.time);
      expect(refused.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < refused.length; i++) expect(refused[i] - refused[i - 1]).toBeGreaterThanOrEqual(950);
    });

    for (const [status, reason] of [
      [401, /API key rejected by the device/],
      [403, /not allowed by the device/],
    ] as const) {
      it(`answers ${status}: error "${reason.source}" without retrying; a restart after the fix recovers it`, async () => {
        const injectedAt = Date.now();
        await device.fault({ status });
        const failed = await reaches(faulty, 'error', DETECTION_LIMIT_MS);
        expect(failed.stateReason).toMatch(reason);
        // A refused key is a configuration problem: Tally stops asking instead of hammering the device.
        const asked = (await stream(faulty)).length;
        await new Promise((resolve) => setTimeout(resolve, 3 * INTERVAL_MS));
        expect((await stream(faulty)).length).toBe(asked);
        await expectUndisturbed(injectedAt);
        await device.clear();
        const restartedAt = Date.now();
        expect((await t.api('POST', `/api/elements/${faulty}/restart`)).status).toBe(200);
        await reaches(faulty, 'active', RECOVERY_LIMIT_MS);
        expect(Date.now() - restartedAt).toBeLessThan(RECOVERY_LIMIT_MS);
      });
    }
  });

  describe('a device that sends far too much', () => {
    it('a 50 MB body: read no further than the 8 MiB cap, timeout, memory stays bounded', async () => {
      const injectedAt = Date.now();
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      // The element goes on retrying while the device misbehaves: one of those answers is cut at the cap.
      const capped = () =>
        waitFor(
          () => stream(faulty),
          (entries) => entries.some((entry) => entry.time >= injectedAt && /larger than 8 MiB/.test(entry.error ?? '')),
          CAP_SEEN_LIMIT_MS,
          'an answer cut at the 8 MiB cap in the stream viewer',
        );
      try {
        // On a busy machine the first bytes of 50 MB may come after the request timeout: either reason is right.
        await faultAndRecover(plan({ oversizedBytes: 50 * 1024 * 1024 }), clearFaults, 'timeout', /response body larger than 8 MiB|no answer within 500 ms/, capped);
      } finally {
        clearInterval(sampler);
      }
      expect((peak - before) / 2 ** 20).toBeLessThan(100);
    });
  });

  describe('a device whose certificate does not match', () => {
    it('TLS with verification on against a self-signed device: timeout naming the certificate; skipTlsVerify recovers it', async () => {
      const tlsDevice = await startFaultDevice({ tls: true });
      try {
        const id = await createElement('Self-signed StreamHub', { host: '127.0.0.1', port: tlsDevice.port, tls: true, skipTlsVerify: false });
        const failed = await reaches(id, 'timeout', DETECTION_LIMIT_MS);
        expect(failed.stateReason).toMatch(/certificate/i);
        await expectUndisturbed(Date.now() - ELEMENT_TIMEOUT_MS);
        const fixedAt = Date.now();
        expect((await t.api('PATCH', `/api/elements/${id}`, { connection: { skipTlsVerify: true } })).status).toBe(200);
        await reaches(id, 'active', RECOVERY_LIMIT_MS);
        expect(Date.now() - fixedAt).toBeLessThan(RECOVERY_LIMIT_MS);
        await t.api('DELETE', `/api/elements/${id}`);
      } finally {
        await tlsDevice.stop();
      }
    });
  });
});
