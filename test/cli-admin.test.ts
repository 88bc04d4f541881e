/** `tally user …` and `tally rotate-key` on a data directory, through the CLI's own entry. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTally } from '../src/app/create-tally.js';
import type { CliContext } from '../src/cli/cli-context.js';
import { runCli } from '../src/cli/run-cli.js';
import { AuditLog } from '../src/security/audit-log.js';
import { UserDirectory } from '../src/security/user-directory.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { startTestDevice } from './api-fixtures/test-device-server.js';
import { TEST_CONNECTORS_DIR, waitFor } from './api-support.js';

describe('the admin commands', () => {
  let dataDir: string;
  let printed: string[];
  let errors: string[];
  let secretAnswers: string[];

  const context = (env: NodeJS.ProcessEnv = {}): CliContext => ({
    env: { TALLY_DATA_DIR: dataDir, ...env },
    print: (line) => printed.push(line),
    printError: (line) => errors.push(line),
    interactive: false,
    readSecret: async () => secretAnswers.shift() ?? '',
    stopRequested: new Promise(() => undefined),
  });

  async function withUsers<T>(use: (users: UserDirectory, audit: AuditLog) => T | Promise<T>): Promise<T> {
    const store = SqliteStore.open(join(dataDir, 'tally.db'));
    try {
      return await use(new UserDirectory(store.db), new AuditLog(store.db));
    } finally {
      await store.close();
    }
  }

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tally-cli-admin-'));
    printed = [];
    errors = [];
    secretAnswers = [];
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('adds a user with a prompted password, changes it, and removes the user', async () => {
    secretAnswers = ['first password 1'];
    expect(await runCli(['user', 'add', 'frank', '--role', 'operator'], context())).toBe(0);
    await withUsers(async (users) => {
      expect(users.getUser('frank')).toMatchObject({ role: 'operator' });
      expect(await users.verifyPassword('frank', 'first password 1')).not.toBeNull();
    });
    expect(await runCli(['user', 'passwd', 'frank', '--password', 'second password 2'], context())).toBe(0);
    await withUsers(async (users) => {
      expect(await users.verifyPassword('frank', 'first password 1')).toBeNull();
      expect(await users.verifyPassword('frank', 'second password 2')).not.toBeNull();
    });
    expect(await runCli(['user', 'list'], context())).toBe(0);
    expect(printed).toContain('frank\toperator');
    expect(await runCli(['user', 'role', 'frank', '--role', 'viewer'], context())).toBe(0);
    await withUsers(async (users) => expect(users.getUser('frank')).toMatchObject({ role: 'viewer' }));
    expect(await runCli(['user', 'role', 'frank', '--role', 'boss'], context())).toBe(2);
    expect(await runCli(['user', 'remove', 'frank'], context())).toBe(0);
    await withUsers((users, audit) => {
      expect(users.getUser('frank')).toBeNull();
      expect(audit.query({ user: 'cli' }).map((record) => record.action)).toEqual(['user.delete', 'user.update', 'user.update', 'user.create']);
    });
  });

  it('refuses a missing role, a short password and an unknown user, changing nothing', async () => {
    expect(await runCli(['user', 'add', 'gina'], context())).toBe(2);
    expect(errors.pop()).toContain('--role');
    expect(await runCli(['user', 'add', 'gina', '--role', 'viewer', '--password', 'short'], context())).toBe(1);
    expect(errors.pop()).toContain('at least 10 characters');
    expect(await runCli(['user', 'remove', 'nobody'], context())).toBe(1);
    await withUsers((users) => expect(users.listUsers()).toEqual([]));
  });

  it('rotates the key: secrets still open, the old key is kept as a backup', async () => {
    const device = await startTestDevice();
    const start = () => createTally({ dataDir, port: 0, connectorsDir: TEST_CONNECTORS_DIR, env: {} });
    let tally = await start();
    const element = await tally.elements.create(
      { name: 'Keyed', connector: 'test-device', connection: { host: '127.0.0.1', port: device.port }, params: { apiKey: device.apiKey } },
      { user: 'test', role: 'admin' },
    );
    await tally.close();
    const oldKey = readFileSync(join(dataDir, 'secret.key'), 'utf8');

    expect(await runCli(['rotate-key'], context())).toBe(0);
    expect(printed.join('\n')).toContain('1 secret(s) re-sealed');
    expect(readFileSync(join(dataDir, 'secret.key'), 'utf8')).not.toBe(oldKey);
    const backups = readdirSync(dataDir).filter((file) => file.startsWith('secret.key.') && file.endsWith('.bak'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(dataDir, backups[0]), 'utf8')).toBe(oldKey);

    tally = await start();
    try {
      await waitFor(() => tally.elements.get(element.id).state === 'active');
      expect(tally.elements.param(element.id, 'apiKey').isSet).toBe(true);
    } finally {
      await tally.close();
      await device.close();
    }
  });

  it('generates a fresh admin token per start when none is given, retiring the previous one', async () => {
    const start = () => createTally({ dataDir, port: 0, connectorsDir: TEST_CONNECTORS_DIR, env: {} });
    const first = await start();
    const firstToken = first.adminToken;
    expect(first.adminTokenGenerated).toBe(true);
    await first.close();
    const second = await start();
    try {
      const ask = (token: string) => second.server.inject({ method: 'GET', url: '/api/users', headers: { authorization: `Bearer ${token}` } });
      expect((await ask(second.adminToken)).statusCode).toBe(200);
      expect((await ask(firstToken)).statusCode).toBe(401);
    } finally {
      await second.close();
    }
  });

  it('refuses to rotate without a key file', async () => {
    expect(existsSync(join(dataDir, 'secret.key'))).toBe(false);
    expect(await runCli(['rotate-key'], context())).toBe(2);
  });

  it('prints the usage for an unknown command', async () => {
    expect(await runCli(['launch'], context())).toBe(2);
    expect(errors.pop()).toContain('usage:');
    expect(await runCli(['help'], context())).toBe(0);
  });
});
