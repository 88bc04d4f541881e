import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { start, type RunningCloudport } from './index.js';

const insecure = new Agent({ connect: { rejectUnauthorized: false } });
const running: RunningCloudport[] = [];

async function launch(options: Record<string, unknown>): Promise<RunningCloudport> {
  const sim = await start({ host: '127.0.0.1', port: 0, seed: 3, ...options });
  running.push(sim);
  return sim;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.close()));
});

describe('simulator over the network', () => {
  it('serves HTTPS with a self-signed certificate by default and gives the element settings', async () => {
    const sim = await launch({ username: 'noc@acme.tv', password: 's3cret' });
    expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.elementTemplate).toEqual({
      connection: { host: '127.0.0.1', port: sim.port, tls: true, skipTlsVerify: true },
      params: { username: 'noc@acme.tv', password: 's3cret' },
    });
    await expect(request(`${sim.url}/status`)).rejects.toThrow(/self[- ]signed|certificate/i);
    const signIn = await request(`${sim.url}/users/sign_in.json`, {
      method: 'POST',
      dispatcher: insecure,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: { email: 'noc@acme.tv', password: 's3cret' } }),
    });
    const { authentication_token: token } = (await signIn.body.json()) as { authentication_token: string };
    const services = await request(`${sim.url}/api/v2/service_manager/services`, { dispatcher: insecure, headers: { 'x-user-token': token } });
    expect(services.statusCode).toBe(200);
    expect(((await services.body.json()) as { services: unknown[] }).services).toHaveLength(8);
  });

  it('serves plain HTTP with tls off, answers the control API and sends Retry-After', async () => {
    const sim = await launch({ tls: 'false' });
    expect(sim.url).toMatch(/^http:/);
    await request(`${sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ status: 503, retryAfter: 4 }) }).then((r) => r.body.dump());
    const answer = await request(`${sim.url}/status`);
    expect(answer.statusCode).toBe(503);
    expect(answer.headers['retry-after']).toBe('4');
    await answer.body.dump();
    const state = await request(`${sim.url}/_sim/state`);
    expect(await state.body.json()).toMatchObject({ faults: { status: 503 }, counters: { requests: 1 } });
  });

  it('delays answers, hangs, and still closes promptly', async () => {
    const sim = await launch({ tls: false });
    await request(`${sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ latencyMs: 150 }) }).then((r) => r.body.dump());
    const started = Date.now();
    await request(`${sim.url}/status`).then((r) => r.body.dump());
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await request(`${sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ latencyMs: 0, hang: true }) }).then((r) => r.body.dump());
    const hanging = request(`${sim.url}/status`, { headersTimeout: 300 });
    await expect(hanging).rejects.toThrow(/timeout/i);
    const closing = Date.now();
    await sim.close();
    running.length = 0;
    expect(Date.now() - closing).toBeLessThan(1000);
  });
});
