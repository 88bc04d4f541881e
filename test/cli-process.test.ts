/**
 * The `tally` command as a person runs it: a real process started with tsx, talked to over
 * loopback, stopped with a signal. Exit code 0 and flushed writes are what a clean stop means.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { TEST_CONNECTORS_DIR, waitFor } from './api-support.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Running {
  child: ChildProcess;
  output: () => string;
  /** Waits for a line matching `pattern` and answers the match. */
  waitForLine(pattern: RegExp): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

function tally(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', TALLY_CONNECTORS_DIR: TEST_CONNECTORS_DIR, TALLY_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    waitForLine: (pattern) => waitFor(() => output.match(pattern), 30_000),
    exited,
  };
}

const running: Running[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const process of running.splice(0)) {
    if (process.child.exitCode === null) process.child.kill('SIGKILL');
    await process.exited;
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tally-cli-'));
  dirs.push(dir);
  return dir;
}

function start(args: string[], env?: Record<string, string>): Running {
  const process = tally(args, env);
  running.push(process);
  return process;
}

describe('tally start', () => {
  it('serves the API, prints a working admin token, and on SIGTERM flushes writes and exits 0', async () => {
    const dir = dataDir();
    const tallyProcess = start(['start', '--port', '0', '--data-dir', dir], { TALLY_SECRET_KEY: 'cli test secret key material' });
    const simulator = start(['sim', 'test-device', '--port', '0', '--api-key', 'cli-key']);
    const [, url] = await tallyProcess.waitForLine(/Tally is running: (http:\/\/127\.0\.0\.1:\d+)/);
    const [, token] = await tallyProcess.waitForLine(/Admin API token[^:]*: (tly_\S+)/);
    expect((await fetch(`${url}/api/health`)).status).toBe(200);
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const [, deviceUrl] = await simulator.waitForLine(/simulator: (http:\/\/\S+)/);
    const created = await fetch(`${url}/api/elements`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ name: 'CLI', connector: 'test-device', connection: { host: deviceUrl }, params: { apiKey: 'cli-key' } }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const set = await fetch(`${url}/api/elements/${id}/params/gain`, { method: 'PUT', headers: auth, body: JSON.stringify({ value: 9 }) });
    expect(set.status).toBe(200);

    tallyProcess.child.kill('SIGTERM');
    expect(await tallyProcess.exited).toBe(0);
    simulator.child.kill('SIGINT');
    expect(await simulator.exited).toBe(0);

    const store = SqliteStore.open(join(dir, 'tally.db'));
    try {
      expect((await store.getElement(id))?.name).toBe('CLI');
      const { params } = await store.loadValues(id);
      expect(params.find((param) => param.paramId === 'gain')?.value).toBe(9);
    } finally {
      await store.close();
    }
  }, 90_000);

  it('takes its settings from the environment, and options beat it', async () => {
    const dir = dataDir();
    const tallyProcess = start(['start', '--port', '0', '--heap-growth', '80', '--poll-concurrency', '300'], {
      TALLY_DATA_DIR: dir,
      TALLY_PORT: '1',
      TALLY_HEAP_GROWTH: '40',
      TALLY_POLL_CONCURRENCY: '200',
      TALLY_HTTP_THREADS: '1',
      TALLY_ADMIN_TOKEN: 'tly_chosen-admin-token-123456',
    });
    const [, url] = await tallyProcess.waitForLine(/Tally is running: (http:\/\/127\.0\.0\.1:\d+)/);
    expect(url).not.toMatch(/:1$/);
    expect(tallyProcess.output()).toMatch(/"heapGrowthPercent":80\b/);
    // What the element runtime says it took, not what the command line parsed.
    expect(tallyProcess.output()).toMatch(/"pollConcurrency":300,"pollConcurrencyMax":2048,"httpThreads":1\b/);
    expect(tallyProcess.output()).toContain('the one in TALLY_ADMIN_TOKEN');
    const response = await fetch(`${url}/api/elements`, { headers: { authorization: 'Bearer tly_chosen-admin-token-123456' } });
    expect(response.status).toBe(200);
    tallyProcess.child.kill('SIGINT');
    expect(await tallyProcess.exited).toBe(0);
  }, 60_000);

  it('refuses a bad option with the usage and exit code 2', async () => {
    const tallyProcess = start(['start', '--prot', '80']);
    expect(await tallyProcess.exited).toBe(2);
    expect(tallyProcess.output()).toContain('usage:');
    const badGrowth = start(['start', '--heap-growth', '5']);
    expect(await badGrowth.exited).toBe(2);
    expect(badGrowth.output()).toContain('--heap-growth must be 0 (V8 decides) or a percentage from 10 to 300, not "5"');
    const badConcurrency = start(['start', '--poll-concurrency', '0']);
    expect(await badConcurrency.exited).toBe(2);
    expect(badConcurrency.output()).toContain('--poll-concurrency must be a number from 1 to 2048, not "0"');
  }, 60_000);
});

describe('tally demo', () => {
  it('starts each simulator with one element, and re-points it on the next run', async () => {
    const dir = dataDir();
    const env = { TALLY_SECRET_KEY: 'cli test secret key material' };
    for (let run = 0; run < 2; run++) {
      // The second run makes its exchanges with the simulators on an HTTP thread.
      const demo = start(['demo', '--port', '0', '--data-dir', dir, '--http-threads', String(run)], env);
      const [, url] = await demo.waitForLine(/Tally is running: (http:\/\/127\.0\.0\.1:\d+)/);
      const [, token] = await demo.waitForLine(/Admin API token[^:]*: (tly_\S+)/);
      const [, elementId] = await demo.waitForLine(/Simulated Test Device: \S+ → element (\S+)/);
      expect(demo.output()).toContain('curl -s -H "Authorization: Bearer');
      const elements = await waitFor(async () => {
        const body = (await (await fetch(`${url}/api/elements`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
          elements: { id: string; state: string }[];
        };
        return body.elements.every((element) => element.state === 'active') && body.elements;
      }, 10_000);
      expect(elements.map((element) => element.id)).toEqual([elementId]);
      demo.child.kill('SIGTERM');
      expect(await demo.exited).toBe(0);
    }
  }, 120_000);
});
