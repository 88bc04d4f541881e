/**
 * Runs a Haivision simulator and a whole Tally (composition root, real loopback port) for
 * the end-to-end and fault tests, and talks to both the way a user or script would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { createTally, type Tally } from '../src/app/create-tally.js';
import { type HaivisionSimulator, start } from '../connectors/haivision-manager/simulator/index.js';

export const API_KEY = 'e2e-streamhub-key';

export interface Harness {
  sim: HaivisionSimulator;
  tally: Tally;
  api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  sim_<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export async function startHarness(simOptions: Record<string, unknown> = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tally-haivision-'));
  const sim = await start({ port: 0, seed: 3, apiKey: API_KEY, manualClock: true, inputs: 6, sdi: 2, ndi: 2, ip: 2, ...simOptions });
  const tally = await createTally({ dataDir, host: '127.0.0.1', port: 0, env: {} });
  const call = async (base: string, method: string, path: string, body: unknown, headers: Record<string, string>) => {
    const answer = await request(base + path, {
      method: method as 'GET',
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    const text = await answer.body.text();
    return { status: answer.statusCode, body: text ? JSON.parse(text) : null };
  };
  return {
    sim,
    tally,
    api: (method, path, body) => call(tally.url, method, path, body, { authorization: `Bearer ${tally.adminToken}` }),
    sim_: async (method, path, body) => (await call(sim.url, method, path, body, {})).body,
    close: async () => {
      await tally.close();
      await sim.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `read` until `done` holds, at most `timeoutMs`; returns the last value. */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 8_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)?.slice(0, 800)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}
