import { Agent, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type HaivisionSimulator, start } from './index.js';

const KEY = 'test-key';
let sim: HaivisionSimulator;
const insecure = new Agent({ connect: { rejectUnauthorized: false } });

async function get(path: string, { key = KEY as string | null, timeout = 5000, base = () => sim.url } = {}) {
  const url = new URL(path, base());
  if (key !== null) url.searchParams.set('api_key', key);
  const answer = await request(url, { dispatcher: insecure, headersTimeout: timeout, bodyTimeout: timeout });
  return { status: answer.statusCode, headers: answer.headers, text: await answer.body.text() };
}

async function control(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) {
  const answer = await request(new URL(path, sim.url), {
    method, dispatcher: insecure, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' },
  });
  return { status: answer.statusCode, json: (await answer.body.json()) as Record<string, any> };
}

beforeAll(async () => {
  sim = await start({ port: 0, seed: 11, 'api-key': KEY, manualClock: true, inputs: '6', sdi: '2', ndi: '1', ip: '2' });
});
afterAll(() => sim.close());
afterEach(() => control('DELETE', '/_sim/faults'));

describe('the HTTP simulator', () => {
  it('listens on loopback and gives the element settings that reach it', () => {
    expect(sim.url).toBe(`http://127.0.0.1:${sim.port}`);
    expect(sim.elementTemplate).toEqual({ connection: { host: '127.0.0.1', port: sim.port, tls: false, skipTlsVerify: false }, params: { apiKey: KEY } });
  });

  it('checks the api_key on the device API, not on /_sim/', async () => {
    expect((await get('/', { key: null })).status).toBe(401);
    expect((await get('/', { key: 'nope' })).status).toBe(401);
    const identity = await get('/');
    expect(identity.status).toBe(200);
    expect(JSON.parse(identity.text)).toMatchObject({ nbChannel: 6, nbOutput: 2 });
    expect((await control('GET', '/_sim/state')).json.inputs).toHaveLength(6);
  });

  it('changes inputs and outputs through /_sim/ and the device shows it', async () => {
    await control('POST', '/_sim/inputs/2', { connected: true, live: true });
    expect(JSON.parse((await get('/inputs')).text).inputs[1]).toMatchObject({ connectionStatus: 1, channelStatus: 2 });
    await get('/inputs/2/playStream/2/enable');
    await control('POST', '/_sim/outputs/sdi/2', { fault: { token: 'CONNECTION_LOST', status: 3 } });
    expect(JSON.parse((await get('/outputs')).text).output[1]).toMatchObject({ status: 3, message: 'CONNECTION_LOST', input: 'PRO380-Lyon' });
    await control('POST', '/_sim/outputs/sdi/2', { fault: null });
    expect(JSON.parse((await get('/outputs')).text).output[1]).toMatchObject({ status: 2, message: '' });
    expect((await control('POST', '/_sim/outputs/hdmi/1', {})).status).toBe(404);
  });

  it('moves time only when told to, with a manual clock', async () => {
    const before = (await control('GET', '/_sim/state')).json.now as number;
    expect((await control('GET', '/_sim/state')).json.now).toBe(before);
    expect((await control('POST', '/_sim/advance', { ms: 60_000 })).json.now).toBe(before + 60_000);
    expect((await control('POST', '/_sim/advance', { ms: -1 })).status).toBe(400);
  });
});

describe('injected faults', () => {
  it('answers the injected status with Retry-After, then recovers when cleared', async () => {
    await control('POST', '/_sim/faults', { status: 503, retryAfter: 7 });
    const failing = await get('/outputs');
    expect(failing.status).toBe(503);
    expect(failing.headers['retry-after']).toBe('7');
    expect((await control('GET', '/_sim/state')).json.faults).toEqual({ status: 503, retryAfter: 7 });
    await control('DELETE', '/_sim/faults');
    expect((await get('/outputs')).status).toBe(200);
  });

  it('sends malformed, truncated and oversized bodies', async () => {
    await control('POST', '/_sim/faults', { malformed: true });
    const malformed = await get('/inputs');
    expect(() => JSON.parse(malformed.text)).toThrow();
    await control('POST', '/_sim/faults', { truncated: true });
    const truncated = await get('/inputs');
    expect(truncated.status).toBe(200);
    expect(() => JSON.parse(truncated.text)).toThrow();
    await control('POST', '/_sim/faults', { oversizedBytes: 300_000 });
    const oversized = await get('/inputs');
    expect(oversized.text.length).toBe(300_000);
    expect(JSON.parse(oversized.text).inputs).toHaveLength(6);
  });

  it('streams a large oversized body without piling listeners up on the response', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      await control('POST', '/_sim/faults', { oversizedBytes: 8 * 1024 * 1024 });
      expect((await get('/inputs')).text.length).toBe(8 * 1024 * 1024);
      // A warning is emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  it('adds latency and drips a body slowly', async () => {
    await control('POST', '/_sim/faults', { latencyMs: 150 });
    let began = Date.now();
    await get('/');
    expect(Date.now() - began).toBeGreaterThanOrEqual(140);
    await control('POST', '/_sim/faults', { slowDripMs: 10 });
    began = Date.now();
    const dripped = await get('/');
    expect(JSON.parse(dripped.text)).toHaveProperty('identifier');
    expect(Date.now() - began).toBeGreaterThanOrEqual(Math.floor(dripped.text.length / 16) * 10 - 20);
  });

  it('drops the connection, or hangs until the client gives up', async () => {
    await control('POST', '/_sim/faults', { drop: true });
    await expect(get('/')).rejects.toThrow();
    await control('POST', '/_sim/faults', { hang: true });
    await expect(get('/', { timeout: 200 })).rejects.toThrow(/timeout/i);
  });

  it('refuses an unknown or ill-typed fault', async () => {
    expect((await control('POST', '/_sim/faults', { explode: true })).status).toBe(400);
    expect((await control('POST', '/_sim/faults', { latencyMs: 'slow' })).status).toBe(400);
    expect((await control('POST', '/_sim/faults', { status: 42 })).status).toBe(400);
  });
});

describe('TLS', () => {
  it('serves HTTPS with a self-signed certificate made at start', async () => {
    const secure = await start({ port: 0, tls: true, seed: 1, apiKey: KEY });
    try {
      expect(secure.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(secure.elementTemplate.connection).toMatchObject({ tls: true, skipTlsVerify: true });
      expect((await get('/', { base: () => secure.url })).status).toBe(200);
      await expect(request(`${secure.url}/?api_key=${KEY}`)).rejects.toThrow(/self[- ]signed|certificate/i);
    } finally {
      await secure.close();
    }
  });
});
