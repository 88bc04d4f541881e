/**
 * Users, their roles and their API tokens. Passwords are kept as scrypt hashes and tokens as
 * SHA-256 hashes: neither can be read back, a token is shown once when it is created.
 */
import { randomBytes } from 'node:crypto';
import { TallyError, notFound } from '../errors.js';
import { ROLES, type Role } from '../sdk/index.js';
import type { SqliteDatabase } from '../store/sqlite-database.js';
import { hashPassword, verifyPassword as verifyPasswordHash } from './password.js';
import { generateApiToken, sha256Hex } from './random-token.js';
import { migrateSecurity } from './security-schema.js';

export interface UserView {
  username: string;
  role: Role;
  createdAt: number;
}

export interface TokenView {
  id: string;
  name: string;
  username: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** The user the first admin token (TALLY_ADMIN_TOKEN) belongs to. */
export const ADMIN_USERNAME = 'admin';
export const ADMIN_TOKEN_NAME = 'TALLY_ADMIN_TOKEN';
/** A token used again within this time does not rewrite its last-used time. */
export const LAST_USED_RESOLUTION_MS = 60_000;
const MIN_ADMIN_TOKEN_LENGTH = 16;
const MAX_TOKEN_LENGTH = 512;
const MAX_TOKEN_NAME_LENGTH = 100;
const USERNAME_PATTERN = /^[a-z0-9._-]{2,64}$/;
/** Stored for users who sign in only with a token: no password can ever match it. */
const NO_PASSWORD = '!';

interface UserRow {
  username: string;
  role: Role;
  password_hash: string;
  created_at: number;
}

interface TokenRow {
  id: string;
  name: string;
  username: string;
  created_at: number;
  last_used_at: number | null;
}

export class UserDirectory {
  private readonly statements: ReturnType<typeof prepareStatements>;

  constructor(private readonly db: SqliteDatabase) {
    migrateSecurity(db);
    this.statements = prepareStatements(db);
  }

  /** Adds a user; CONFLICT when the name is taken. */
  async addUser(username: string, password: string, role: Role): Promise<UserView> {
    assertUsername(username);
    assertRole(role);
    if (this.findUser(username)) throw new TallyError('CONFLICT', `user "${username}" already exists`, 'username');
    const hash = await hashPassword(password);
    const createdAt = Date.now();
    try {
      this.statements.insertUser.run(username, role, hash, createdAt);
    } catch (error) {
      // Two concurrent adds of the same name both pass the check above while hashing.
      if (isUniqueViolation(error)) throw new TallyError('CONFLICT', `user "${username}" already exists`, 'username');
      throw error;
    }
    return { username, role, createdAt };
  }

  /** Changes a password and signs the user out of every browser session. */
  async setPassword(username: string, password: string): Promise<void> {
    this.requireUser(username);
    const hash = await hashPassword(password);
    this.db.transaction(() => {
      if (this.statements.updatePassword.run(hash, username).changes === 0) throw notFound('user', username, 'username');
      this.statements.deleteSessionsOfUser.run(username);
    })();
  }

  /** Changes a user's role, effective on their next request; the last admin cannot be demoted. */
  setRole(username: string, role: Role): UserView {
    return this.db.transaction(() => {
      const user = this.requireUser(username);
      if (user.role === 'admin' && role !== 'admin' && this.statements.countAdmins.pluck().get() === 1) {
        throw new TallyError('CONFLICT', `"${username}" is the last admin and must stay one`, 'role');
      }
      this.statements.updateRole.run(role, username);
      return { username, role, createdAt: user.created_at };
    })();
  }

  /** Removes a user with its tokens and sessions; the last admin cannot be removed. */
  removeUser(username: string): void {
    this.db.transaction(() => {
      const user = this.requireUser(username);
      if (user.role === 'admin' && this.statements.countAdmins.pluck().get() === 1) {
        throw new TallyError('CONFLICT', `"${username}" is the last admin and cannot be removed`, 'username');
      }
      // Tokens and sessions go with the user (ON DELETE CASCADE).
      this.statements.deleteUser.run(username);
    })();
  }

  getUser(username: string): UserView | null {
    const row = this.findUser(username);
    return row ? toUserView(row) : null;
  }

  listUsers(): UserView[] {
    return (this.statements.listUsers.all() as UserRow[]).map(toUserView);
  }

  /** The user when the password is right, else null; as slow for unknown users as for known ones. */
  async verifyPassword(username: string, password: string): Promise<UserView | null> {
    const row = typeof username === 'string' ? this.findUser(username) : undefined;
    // An unknown user is checked against NO_PASSWORD, which costs a full scrypt and never matches.
    const matches = await verifyPasswordHash(typeof password === 'string' ? password : '', row?.password_hash ?? NO_PASSWORD);
    return row && matches ? toUserView(row) : null;
  }

  /** A new named token for the user; the token itself is in the answer only, never stored. */
  createToken(username: string, name: string): { token: string; view: TokenView } {
    this.requireUser(username);
    const token = generateApiToken();
    return { token, view: this.insertToken(username, assertTokenName(name), token) };
  }

  listTokens(username: string): TokenView[] {
    this.requireUser(username);
    return (this.statements.listTokens.all(username) as TokenRow[]).map(toTokenView);
  }

  revokeToken(username: string, tokenId: string): void {
    if (this.statements.deleteToken.run(tokenId, username).changes === 0) throw notFound('token', tokenId, 'tokenId');
  }

  /** The token's user, or null for an unknown token. */
  authenticateToken(token: string): { user: UserView; tokenId: string } | null {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return null;
    const row = this.statements.findToken.get(sha256Hex(token)) as
      | (TokenRow & { role: Role; user_created_at: number })
      | undefined;
    if (!row) return null;
    const now = Date.now();
    // Writing on every request would turn each API read into a disk write.
    if (row.last_used_at === null || now - row.last_used_at >= LAST_USED_RESOLUTION_MS) {
      this.statements.touchToken.run(now, row.id);
    }
    return { user: { username: row.username, role: row.role, createdAt: row.user_created_at }, tokenId: row.id };
  }

  /**
   * Makes `token` (from TALLY_ADMIN_TOKEN) a working admin token: creates the user `admin`
   * (with no usable password) when absent and registers the token unless it is already known.
   */
  ensureAdminToken(token: string): TokenView {
    if (typeof token !== 'string' || token.length < MIN_ADMIN_TOKEN_LENGTH || token.length > MAX_TOKEN_LENGTH) {
      throw new TallyError(
        'VALIDATION',
        `TALLY_ADMIN_TOKEN must be ${MIN_ADMIN_TOKEN_LENGTH} to ${MAX_TOKEN_LENGTH} characters long`,
        'TALLY_ADMIN_TOKEN',
      );
    }
    return this.db.transaction(() => {
      const known = this.statements.findToken.get(sha256Hex(token)) as (TokenRow & { role: Role }) | undefined;
      if (known) {
        if (known.role !== 'admin') {
          throw new TallyError('CONFLICT', `TALLY_ADMIN_TOKEN belongs to "${known.username}", who is not an admin`);
        }
        return toTokenView(known);
      }
      const admin = this.findUser(ADMIN_USERNAME);
      if (!admin) this.statements.insertUser.run(ADMIN_USERNAME, 'admin', NO_PASSWORD, Date.now());
      else if (admin.role !== 'admin') {
        throw new TallyError('CONFLICT', `user "${ADMIN_USERNAME}" exists without the admin role`);
      }
      return this.insertToken(ADMIN_USERNAME, ADMIN_TOKEN_NAME, token);
    })();
  }

  private insertToken(username: string, name: string, token: string): TokenView {
    const view: TokenView = {
      id: `tok_${randomBytes(9).toString('base64url')}`,
      name,
      username,
      createdAt: Date.now(),
      lastUsedAt: null,
    };
    this.statements.insertToken.run(view.id, username, name, sha256Hex(token), view.createdAt);
    return view;
  }

  private findUser(username: string): UserRow | undefined {
    return this.statements.getUser.get(username) as UserRow | undefined;
  }

  private requireUser(username: string): UserRow {
    const row = typeof username === 'string' ? this.findUser(username) : undefined;
    if (!row) throw notFound('user', String(username), 'username');
    return row;
  }
}

function prepareStatements(db: SqliteDatabase) {
  return {
    getUser: db.prepare('SELECT username, role, password_hash, created_at FROM users WHERE username = ?'),
    listUsers: db.prepare('SELECT username, role, password_hash, created_at FROM users ORDER BY username'),
    insertUser: db.prepare('INSERT INTO users (username, role, password_hash, created_at) VALUES (?, ?, ?, ?)'),
    updatePassword: db.prepare('UPDATE users SET password_hash = ? WHERE username = ?'),
    updateRole: db.prepare('UPDATE users SET role = ? WHERE username = ?'),
    deleteUser: db.prepare('DELETE FROM users WHERE username = ?'),
    countAdmins: db.prepare("SELECT COUNT(*) FROM users WHERE role = 'admin'"),
    deleteSessionsOfUser: db.prepare('DELETE FROM sessions WHERE username = ?'),
    insertToken: db.prepare(
      'INSERT INTO api_tokens (id, username, name, token_hash, created_at, last_used_at) VALUES (?, ?, ?, ?, ?, NULL)',
    ),
    listTokens: db.prepare(
      'SELECT id, name, username, created_at, last_used_at FROM api_tokens WHERE username = ? ORDER BY created_at, id',
    ),
    deleteToken: db.prepare('DELETE FROM api_tokens WHERE id = ? AND username = ?'),
    findToken: db.prepare(
      `SELECT t.id, t.name, t.username, t.created_at, t.last_used_at, u.role, u.created_at AS user_created_at
       FROM api_tokens t JOIN users u ON u.username = t.username WHERE t.token_hash = ?`,
    ),
    touchToken: db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?'),
  };
}

function assertUsername(username: string): void {
  if (typeof username !== 'string' || !USERNAME_PATTERN.test(username)) {
    throw new TallyError(
      'VALIDATION',
      'a username is 2 to 64 characters: lower-case letters, digits, dots, dashes and underscores',
      'username',
    );
  }
}

function assertRole(role: Role): void {
  if (!ROLES.includes(role)) throw new TallyError('VALIDATION', `the role must be one of ${ROLES.join(', ')}`, 'role');
}

function assertTokenName(name: string): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (trimmed.length === 0 || trimmed.length > MAX_TOKEN_NAME_LENGTH) {
    throw new TallyError('VALIDATION', `a token name is 1 to ${MAX_TOKEN_NAME_LENGTH} characters`, 'name');
  }
  return trimmed;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

function toUserView(row: UserRow): UserView {
  return { username: row.username, role: row.role, createdAt: row.created_at };
}

function toTokenView(row: TokenRow): TokenView {
  return { id: row.id, name: row.name, username: row.username, createdAt: row.created_at, lastUsedAt: row.last_used_at };
}
