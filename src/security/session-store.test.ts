import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openSqlite, type SqliteDatabase } from '../store/sqlite-database.js';
import { SessionStore } from './session-store.js';

describe('SessionStore', () => {
  let db: SqliteDatabase;
  let sessions: SessionStore;

  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    db = openSqlite(':memory:');
    sessions = new SessionStore(db, { ttlMs: 60_000 });
    for (const username of ['alice', 'bob']) {
      db.prepare("INSERT INTO users (username, role, password_hash, created_at) VALUES (?, 'operator', '!', 0)").run(username);
    }
  });
  afterEach(() => {
    vi.useRealTimers();
    db.close();
  });

  it('creates unguessable sessions with a CSRF token and an expiry, stored under a hash', () => {
    const session = sessions.create('alice');
    expect(session.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.csrfToken).not.toBe(session.id);
    expect(session.expiresAt).toBe(1_060_000);
    expect(sessions.get(session.id)).toEqual({ username: 'alice', csrfToken: session.csrfToken, expiresAt: 1_060_000 });
    expect(sessions.create('alice').id).not.toBe(session.id);
    const stored = JSON.stringify(db.prepare('SELECT * FROM sessions').all());
    expect(stored).not.toContain(session.id);
    expect(sessions.get('made-up')).toBeNull();
    expect(sessions.get('')).toBeNull();
  });

  it('forgets a session once it expires', () => {
    const session = sessions.create('alice');
    vi.advanceTimersByTime(59_999);
    expect(sessions.get(session.id)).not.toBeNull();
    vi.advanceTimersByTime(1);
    expect(sessions.get(session.id)).toBeNull();
    expect(db.prepare('SELECT COUNT(*) FROM sessions').pluck().get()).toBe(0);
  });

  it('clears out expired sessions of other users when a new one starts', () => {
    sessions.create('alice');
    vi.advanceTimersByTime(60_000);
    sessions.create('bob');
    expect(db.prepare('SELECT username FROM sessions').pluck().all()).toEqual(['bob']);
  });

  it('signs out one session or every session of a user', () => {
    const first = sessions.create('alice');
    const second = sessions.create('alice');
    const other = sessions.create('bob');
    sessions.destroy(first.id);
    expect(sessions.get(first.id)).toBeNull();
    expect(sessions.get(second.id)).not.toBeNull();
    sessions.destroyForUser('alice');
    expect(sessions.get(second.id)).toBeNull();
    expect(sessions.get(other.id)).not.toBeNull();
  });

  it('lasts 12 hours by default', () => {
    const defaults = new SessionStore(db);
    expect(defaults.create('alice').expiresAt - Date.now()).toBe(12 * 60 * 60 * 1000);
  });
});
