/**
 * A Tally as `tally demo` runs it, for browser tests and the README screenshot: a temporary
 * data directory, the HTTP server on an ephemeral loopback port, alarms and trends, and both
 * device simulators.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitoringExtension } from '../../src/alarms/monitoring-extension.js';
import { createTally, type Tally } from '../../src/app/create-tally.js';
import type { RunningSimulator } from '../../src/sdk/index.js';
import { start as startCloudport } from '../../connectors/amagi-cloudport/simulator/index.js';
import { start as startHaivision } from '../../connectors/haivision-manager/simulator/index.js';
import { ensureWebBuilt } from './web-build.js';

export interface TallyStack {
  tally: Tally;
  haivision: RunningSimulator;
  cloudport: RunningSimulator;
  /** Calls the API as the admin (bearer token), failing loudly on an error answer. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export interface StackOptions {
  /** How long a simulated switchover takes, ms (long enough to watch it happen). */
  switchoverMs?: number;
  seed?: number;
}

export async function startTallyStack(options: StackOptions = {}): Promise<TallyStack> {
  await ensureWebBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'tally-browser-'));
  const seed = options.seed ?? 7;
  const haivision = await startHaivision({ host: '127.0.0.1', port: 0, seed });
  const cloudport = await startCloudport({ host: '127.0.0.1', port: 0, seed, tls: false, switchoverMs: options.switchoverMs ?? 5_000 });
  const adminToken = 'browser-test-' + randomBytes(12).toString('hex');
  const tally = await createTally({ dataDir, host: '127.0.0.1', port: 0, adminToken, extensions: [monitoringExtension()] });

  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(tally.url + path, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  };

  return {
    tally,
    haivision,
    cloudport,
    api,
    async close() {
      await tally.close();
      await Promise.all([haivision.close(), cloudport.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The create body that reaches a simulator, as `tally demo` builds it. */
export function elementFor(simulator: RunningSimulator, connector: string, name: string): Record<string, unknown> {
  return { name, connector, connection: simulator.elementTemplate.connection, params: simulator.elementTemplate.params };
}
