/**
 * Shared by the Amagi CLOUDPORT end-to-end and fault tests: a Tally (createTally, loopback,
 * port 0) with only this connector installed, a simulator, and small helpers that go
 * through the public HTTP API.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { createTally, type Tally } from '../src/app/create-tally.js';
import { start, type RunningCloudport } from '../connectors/amagi-cloudport/simulator/index.js';

const ADMIN = 'amagi-e2e-admin-token-0123456789abcdef';

export interface Harness {
  tally: Tally;
  sim: RunningCloudport;
  api(method: string, url: string, payload?: unknown): Promise<{ status: number; body: any }>;
  /** Fetches a page of the simulated service (e.g. its web interface) as text. */
  page(url: string): Promise<{ status: number; contentType: string; text: string }>;
  /** Calls the simulator's `/_sim/` control API over the network. */
  control(method: string, path: string, payload?: unknown): Promise<any>;
  close(): Promise<void>;
}

/** Starts a simulator and a Tally that has only the amagi-cloudport connector installed. */
export async function startHarness(simOptions: Record<string, unknown>): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'amagi-e2e-'));
  const connectors = join(dir, 'connectors', 'amagi-cloudport');
  mkdirSync(connectors, { recursive: true });
  // Only this connector: the test does not depend on other connectors' work in progress.
  writeFileSync(join(connectors, 'index.ts'), `export { default } from ${JSON.stringify(join(process.cwd(), 'connectors/amagi-cloudport/index.ts'))};\n`);
  const sim = await start({ host: '127.0.0.1', port: 0, seed: 11, volatility: 0, ...simOptions });
  // The simulator's certificate is self-signed, as the element's skipTlsVerify says.
  const insecure = new Agent({ connect: { rejectUnauthorized: false } });
  const tally = await createTally({ dataDir: join(dir, 'data'), host: '127.0.0.1', port: 0, adminToken: ADMIN, connectorsDir: join(dir, 'connectors') });
  return {
    tally,
    sim,
    async api(method, url, payload) {
      const response = await tally.server.inject({
        method: method as 'GET',
        url,
        headers: { authorization: `Bearer ${ADMIN}` },
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
      return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : undefined };
    },
    async page(url) {
      const answer = await request(url, { dispatcher: insecure });
      return { status: answer.statusCode, contentType: String(answer.headers['content-type']), text: await answer.body.text() };
    },
    async control(method, path, payload) {
      const answer = await request(`${sim.url}${path}`, { method: method as 'GET', dispatcher: insecure, body: payload === undefined ? undefined : JSON.stringify(payload) });
      return answer.body.json();
    },
    async close() {
      await tally.close();
      await sim.close();
      await insecure.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` every 50 ms until it gives something truthy (bounded in time). */
export async function until<T>(what: string, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    last = await probe();
    if (last) return last as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
