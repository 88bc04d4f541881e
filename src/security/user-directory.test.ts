import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openSqlite, type SqliteDatabase } from '../store/sqlite-database.js';
import { SessionStore } from './session-store.js';
import { ADMIN_TOKEN_NAME, LAST_USED_RESOLUTION_MS, UserDirectory } from './user-directory.js';

const PASSWORD = 'long enough password';

describe('UserDirectory', () => {
  let dir: string;
  let db: SqliteDatabase;
  let users: UserDirectory;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tally-users-'));
    db = openSqlite(join(dir, 'tally.db'));
    users = new UserDirectory(db);
  });
  afterEach(() => {
    vi.useRealTimers();
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds users with roles and lists them without any password material', async () => {
    const added = await users.addUser('alice', PASSWORD, 'operator');
    await users.addUser('bob.smith', PASSWORD, 'viewer');
    expect(added).toEqual({ username: 'alice', role: 'operator', createdAt: expect.any(Number) });
    expect(users.getUser('alice')).toEqual(added);
    expect(users.getUser('nobody')).toBeNull();
    expect(users.listUsers().map((u) => [u.username, u.role])).toEqual([
      ['alice', 'operator'],
      ['bob.smith', 'viewer'],
    ]);
    expect(Object.keys(users.listUsers()[0]).sort()).toEqual(['createdAt', 'role', 'username']);
  });

  it('refuses a taken name, a bad name, a bad role and a short password', async () => {
    await users.addUser('alice', PASSWORD, 'operator');
    await expect(users.addUser('alice', PASSWORD, 'admin')).rejects.toMatchObject({ code: 'CONFLICT', field: 'username' });
    for (const bad of ['A', 'Alice', 'al ice', 'x'.repeat(65), 'a/b']) {
      await expect(users.addUser(bad, PASSWORD, 'viewer')).rejects.toMatchObject({ code: 'VALIDATION', field: 'username' });
    }
    await expect(users.addUser('carol', PASSWORD, 'root' as 'admin')).rejects.toMatchObject({ field: 'role' });
    await expect(users.addUser('carol', 'short', 'viewer')).rejects.toMatchObject({ code: 'VALIDATION', field: 'password' });
    expect(users.getUser('carol')).toBeNull();
  });

  it('verifies passwords; unknown users cost a full hash too', async () => {
    await users.addUser('alice', PASSWORD, 'operator');
    expect(await users.verifyPassword('alice', PASSWORD)).toMatchObject({ username: 'alice', role: 'operator' });
    expect(await users.verifyPassword('alice', `${PASSWORD}!`)).toBeNull();
    const started = performance.now();
    expect(await users.verifyPassword('mallory', PASSWORD)).toBeNull();
    // A lookup without scrypt would answer in well under a millisecond.
    expect(performance.now() - started).toBeGreaterThan(10);
  });

  it('changes a password and ends the user’s browser sessions', async () => {
    const sessions = new SessionStore(db);
    await users.addUser('alice', PASSWORD, 'operator');
    const session = sessions.create('alice');
    await users.setPassword('alice', 'another long password');
    expect(await users.verifyPassword('alice', PASSWORD)).toBeNull();
    expect(await users.verifyPassword('alice', 'another long password')).not.toBeNull();
    expect(sessions.get(session.id)).toBeNull();
    await expect(users.setPassword('nobody', PASSWORD)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(users.setPassword('alice', 'short')).rejects.toMatchObject({ field: 'password' });
  });

  it('creates tokens shown once and stored only as a hash', async () => {
    await users.addUser('alice', PASSWORD, 'operator');
    const { token, view } = users.createToken('alice', 'ci script');
    expect(token).toMatch(/^tly_[A-Za-z0-9_-]{43}$/);
    expect(view).toEqual({ id: expect.any(String), name: 'ci script', username: 'alice', createdAt: expect.any(Number), lastUsedAt: null });
    expect(JSON.stringify(users.listTokens('alice'))).not.toContain(token);
    expect(users.authenticateToken(token)).toEqual({ user: users.getUser('alice'), tokenId: view.id });
    expect(users.authenticateToken(`${token}x`)).toBeNull();
    expect(users.authenticateToken('')).toBeNull();

    db.close();
    const files = readdirSync(dir).filter((name) => name.startsWith('tally.db'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const bytes = readFileSync(join(dir, file));
      expect(bytes.includes(token), file).toBe(false);
      expect(bytes.includes(token.slice(4)), file).toBe(false);
      expect(bytes.includes(PASSWORD), file).toBe(false);
    }
  });

  it('revokes a token so it no longer signs in', async () => {
    await users.addUser('alice', PASSWORD, 'operator');
    await users.addUser('bob', PASSWORD, 'operator');
    const kept = users.createToken('alice', 'kept');
    const revoked = users.createToken('alice', 'revoked');
    expect(() => users.revokeToken('bob', revoked.view.id)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    users.revokeToken('alice', revoked.view.id);
    expect(users.authenticateToken(revoked.token)).toBeNull();
    expect(users.authenticateToken(kept.token)).not.toBeNull();
    expect(users.listTokens('alice').map((t) => t.name)).toEqual(['kept']);
    expect(() => users.revokeToken('alice', revoked.view.id)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => users.createToken('alice', '  ')).toThrow(expect.objectContaining({ field: 'name' }));
    expect(() => users.createToken('nobody', 'x')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('records when a token was last used, at most once a minute', async () => {
    await users.addUser('alice', PASSWORD, 'operator');
    vi.useFakeTimers({ now: 1_000_000 });
    const { token } = users.createToken('alice', 'ui');
    const lastUsed = () => users.listTokens('alice')[0].lastUsedAt;
    users.authenticateToken(token);
    expect(lastUsed()).toBe(1_000_000);
    const writesBefore = db.prepare('SELECT total_changes()').pluck().get() as number;
    vi.advanceTimersByTime(LAST_USED_RESOLUTION_MS - 1);
    for (let i = 0; i < 100; i++) users.authenticateToken(token);
    expect(db.prepare('SELECT total_changes()').pluck().get()).toBe(writesBefore);
    expect(lastUsed()).toBe(1_000_000);
    vi.advanceTimersByTime(1);
    users.authenticateToken(token);
    expect(lastUsed()).toBe(1_000_000 + LAST_USED_RESOLUTION_MS);
  });

  it('changes roles at once, but never demotes the last admin', async () => {
    await users.addUser('root', PASSWORD, 'admin');
    await users.addUser('alice', PASSWORD, 'viewer');
    const { token } = users.createToken('alice', 'x');
    expect(users.setRole('alice', 'operator')).toMatchObject({ username: 'alice', role: 'operator' });
    expect(users.authenticateToken(token)?.user.role).toBe('operator');
    expect(() => users.setRole('root', 'operator')).toThrow(expect.objectContaining({ code: 'CONFLICT', field: 'role' }));
    users.setRole('alice', 'admin');
    expect(users.setRole('root', 'viewer').role).toBe('viewer');
    expect(() => users.setRole('nobody', 'viewer')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('removes a user with its tokens and sessions, but never the last admin', async () => {
    const sessions = new SessionStore(db);
    await users.addUser('root', PASSWORD, 'admin');
    await users.addUser('alice', PASSWORD, 'operator');
    const { token } = users.createToken('alice', 'x');
    const session = sessions.create('alice');
    users.removeUser('alice');
    expect(users.getUser('alice')).toBeNull();
    expect(users.authenticateToken(token)).toBeNull();
    expect(sessions.get(session.id)).toBeNull();

    expect(() => users.removeUser('root')).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    await users.addUser('second', PASSWORD, 'admin');
    users.removeUser('root');
    expect(() => users.removeUser('second')).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(() => users.removeUser('nobody')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('turns TALLY_ADMIN_TOKEN into an admin token once, for an admin without a usable password', async () => {
    const adminToken = 'an-operator-chosen-admin-token';
    const view = users.ensureAdminToken(adminToken);
    expect(view).toMatchObject({ name: ADMIN_TOKEN_NAME, username: 'admin' });
    expect(users.getUser('admin')).toMatchObject({ role: 'admin' });
    expect(users.authenticateToken(adminToken)?.user.role).toBe('admin');
    expect(await users.verifyPassword('admin', '!')).toBeNull();
    expect(await users.verifyPassword('admin', '')).toBeNull();

    expect(users.ensureAdminToken(adminToken).id).toBe(view.id);
    expect(users.listTokens('admin')).toHaveLength(1);
    users.ensureAdminToken('a-second-admin-token-value');
    expect(users.listTokens('admin')).toHaveLength(2);
    expect(() => users.ensureAdminToken('short')).toThrow(expect.objectContaining({ code: 'VALIDATION' }));

    // Survives a restart: same file, new directory object, token still known.
    db.close();
    db = openSqlite(join(dir, 'tally.db'));
    users = new UserDirectory(db);
    expect(users.ensureAdminToken(adminToken).id).toBe(view.id);
    expect(users.authenticateToken(adminToken)?.user.username).toBe('admin');
  });

  it('does not hand TALLY_ADMIN_TOKEN to a non-admin user called admin', async () => {
    await users.addUser('admin', PASSWORD, 'viewer');
    expect(() => users.ensureAdminToken('an-operator-chosen-admin-token')).toThrow(
      expect.objectContaining({ code: 'CONFLICT' }),
    );
    expect(users.listTokens('admin')).toEqual([]);
  });
});
