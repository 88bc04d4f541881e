/**
 * A real Tally for the API tests: SQLite in a temporary data directory, the test connector
 * folder, the real runtime and security parts, and one bearer token per role.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { createTally, type Tally, type TallyOptions } from '../src/app/create-tally.js';
import type { Role } from '../src/sdk/index.js';
import { startTestDevice, type TestDevice } from './api-fixtures/test-device-server.js';

export const TEST_CONNECTORS_DIR = fileURLToPath(new URL('./api-fixtures/connectors/', import.meta.url));
export const ADMIN_TOKEN = 'tly_test-admin-token-0123456789';
export const PASSWORD = 'correct horse battery';

export interface TestTally {
  tally: Tally;
  device: TestDevice;
  dataDir: string;
  tokens: Record<Role, string>;
  /** A request with the role's bearer token (or none). */
  call(role: Role | null, options: InjectOptions): Promise<LightMyRequestResponse>;
  /** Creates an element of the test connector on the test device and answers it. */
  createElement(name?: string): Promise<{ id: string }>;
  close(): Promise<void>;
}

export async function startTestTally(options: Partial<TallyOptions> = {}): Promise<TestTally> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tally-api-'));
  const device = await startTestDevice();
  const tally = await createTally({
    dataDir,
    port: 0,
    adminToken: ADMIN_TOKEN,
    connectorsDir: TEST_CONNECTORS_DIR,
    env: { TALLY_SECRET_KEY: 'a test secret key of enough length' },
    server: { webDist: join(dataDir, 'no-ui') },
    ...options,
  });
  const tokens = { admin: ADMIN_TOKEN } as Record<Role, string>;
  for (const role of ['viewer', 'operator'] as const) {
    await tally.users.addUser(role, PASSWORD, role);
    tokens[role] = tally.users.createToken(role, 'tests').token;
  }
  const call = (role: Role | null, request: InjectOptions) =>
    tally.server.inject({
      ...request,
      headers: { ...(role ? { authorization: `Bearer ${tokens[role]}` } : {}), ...request.headers },
    });
  return {
    tally,
    device,
    dataDir,
    tokens,
    call,
    async createElement(name = 'Test device') {
      const response = await call('admin', {
        method: 'POST',
        url: '/api/elements',
        payload: { name, connector: 'test-device', connection: { host: '127.0.0.1', port: device.port }, params: { apiKey: device.apiKey } },
      });
      if (response.statusCode !== 201) throw new Error(`creating the element answered ${response.statusCode}: ${response.body}`);
      return response.json<{ id: string }>();
    },
    async close() {
      await tally.close();
      await device.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What is left of `T` once a value has passed an `if (value)` test. */
type Truthy<T> = Exclude<T, false | 0 | 0n | '' | null | undefined>;

/** Waits until `check` holds, polling every 20 ms, for at most `timeoutMs`; answers the truthy value. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 5000): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result) return result as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
