/**
 * What the resilience tests share: a faulty StreamHub in its own process, a Tally on a
 * loopback port, and waiting for what a user would see through the API.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll } from 'vitest';
import { start as startSimulator, type HaivisionSimulator } from '../../connectors/haivision-manager/simulator/index.js';
import { createTally, type Tally } from '../../src/app/create-tally.js';

export const DEVICE_KEY = 'resilience-streamhub-key';

import type { FaultPlan } from '../../connectors/haivision-manager/simulator/faults.js';

/** The faults the Haivision simulator's `/_sim/faults` takes. */
export type { FaultPlan };

export interface Answer<T = any> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
  text: string;
}

/** One HTTP exchange, answered as text and (when it is JSON) parsed. */
export async function call<T = any>(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer<T>> {
  const answer = await request(url, {
    method: (init.method ?? 'GET') as 'GET',
    headers: init.headers,
    body: init.body,
    headersTimeout: 15_000,
    bodyTimeout: 15_000,
  });
  const text = await answer.body.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = undefined;
  }
  return { status: answer.statusCode, headers: answer.headers, body: body as T, text };
}

export interface FaultDevice {
  url: string;
  port: number;
  /** Replaces the device's faults (`POST /_sim/faults`). */
  fault(plan: FaultPlan): Promise<void>;
  clear(): Promise<void>;
  resetMidBody(on: boolean): Promise<void>;
  /** Kills the device process: connections are refused from then on. */
  stop(): Promise<void>;
}

const DEVICE_SCRIPT = fileURLToPath(new URL('./fault-device-process.ts', import.meta.url));

export async function startFaultDevice(options: { port?: number; tls?: boolean; seed?: number } = {}): Promise<FaultDevice> {
  const child: ChildProcess = fork(DEVICE_SCRIPT, [JSON.stringify({ ...options, apiKey: DEVICE_KEY })], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [{ port }] = (await once(child, 'message')) as [{ port: number }];
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const control = async (method: string, body?: unknown): Promise<void> => {
    const answer = await call(`${url}/_sim/faults`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (answer.status !== 200) throw new Error(`fault control failed: ${answer.status} ${answer.text}`);
  };
  return {
    url,
    port,
    fault: (plan) => control('POST', plan),
    clear: () => control('DELETE'),
    resetMidBody: async (on) => {
      child.send({ resetMidBody: on });
      await once(child, 'message');
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface TallyUnderTest {
  tally: Tally;
  api<T = any>(method: string, path: string, body?: unknown): Promise<Answer<T>>;
  close(): Promise<void>;
}

export async function startTallyUnderTest(options: { httpThreads?: number } = {}): Promise<TallyUnderTest> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tally-resilience-'));
  const tally = await createTally({ dataDir, host: '127.0.0.1', port: 0, env: {}, httpThreads: options.httpThreads });
  return {
    tally,
    api: (method, path, body) =>
      call(tally.url + path, {
        method,
        headers: { authorization: `Bearer ${tally.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    close: async () => {
      await tally.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Reads until `done` holds or `timeoutMs` passes; returns the last reading and when it held. */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${JSON.stringify(value)?.slice(0, 600)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
    value = await read();
  }
  return value;
}

export interface TallyProcess {
  url: string;
  child: ChildProcess;
  api<T = any>(method: string, path: string, body?: unknown): Promise<Answer<T>>;
  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  kill9(): Promise<void>;
  /** SIGTERM: the clean shutdown. */
  stop(): Promise<void>;
}

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** `tally start` from source in a child process, as an operator runs it. */
export async function startTallyProcess(dataDir: string, token: string): Promise<TallyProcess> {
  const child = fork(CLI, ['start', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { ...process.env, TALLY_ADMIN_TOKEN: token, TALLY_LOG_LEVEL: 'error' },
  });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /Tally is running: (\S+)/.exec(seen);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`tally start exited (${code}): ${seen}`)));
  });
  const ended = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  };
  return {
    url,
    child,
    api: (method, path, body) =>
      call(url + path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    kill9: () => ended('SIGKILL'),
    stop: () => ended('SIGTERM'),
  };
}

/**
 * A data directory, a StreamHub simulator and a `tally start` on both, for one test file:
 * `start` fills `simulator` and `tally`; a test may replace either (a restart) or clear it
 * (already stopped). Whatever is left is stopped, and the directory removed, after the file.
 */
export interface ProcessFixture {
  readonly dataDir: string;
  simulator?: HaivisionSimulator;
  tally?: TallyProcess;
  start(seed: number): Promise<{ simulator: HaivisionSimulator; tally: TallyProcess }>;
}

export function processFixture(name: string, token: string): ProcessFixture {
  const fixture: ProcessFixture = {
    dataDir: mkdtempSync(join(tmpdir(), `tally-${name}-`)),
    async start(seed) {
      const simulator = await startSimulator({ port: 0, apiKey: DEVICE_KEY, seed });
      fixture.simulator = simulator;
      const tally = await startTallyProcess(fixture.dataDir, token);
      fixture.tally = tally;
      return { simulator, tally };
    },
  };
  afterAll(async () => {
    await fixture.tally?.stop();
    await fixture.simulator?.close();
    rmSync(fixture.dataDir, { recursive: true, force: true });
  });
  return fixture;
}
