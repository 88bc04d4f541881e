import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { openSqlite, type SqliteDatabase } from '../store/sqlite-database.js';
import { AuditLog } from './audit-log.js';
import { SqliteStore } from '../store/sqlite-store.js';

describe('AuditLog', () => {
  let db: SqliteDatabase;
  let audit: AuditLog;

  beforeEach(async () => {
    db = openSqlite(':memory:');
    audit = new AuditLog(db);
    await audit.record({ time: 100, user: 'alice', address: '10.0.0.1', action: 'signin.success', result: 'ok' });
    await audit.record({
      time: 200,
      user: 'alice',
      address: '10.0.0.1',
      action: 'param.set',
      elementId: 'enc-1',
      target: 'bitrate',
      inputs: { value: 8000 },
      result: 'ok',
    });
    await audit.record({
      time: 300,
      user: 'bob',
      address: '10.0.0.2',
      action: 'action.run',
      elementId: 'enc-1',
      target: 'streams/s1,s2',
      inputs: { action: 'stop' },
      result: 'refused',
      message: 'requires the admin role',
    });
    await audit.record({ time: 400, user: 'admin', address: null, action: 'element.delete', elementId: 'enc-2', result: 'ok' });
    await audit.record({ time: 500, user: 'admin', address: '::1', action: 'element.create', elementId: 'enc-3', result: 'error', message: 'device refused' });
  });

  it('returns records newest first with everything that was recorded', () => {
    const records = audit.query();
    expect(records.map((r) => r.time)).toEqual([500, 400, 300, 200, 100]);
    expect(records[2]).toEqual({
      id: expect.any(Number),
      time: 300,
      user: 'bob',
      address: '10.0.0.2',
      action: 'action.run',
      elementId: 'enc-1',
      target: 'streams/s1,s2',
      inputs: { action: 'stop' },
      result: 'refused',
      message: 'requires the admin role',
    });
    expect(records[4]).toMatchObject({ elementId: null, target: null, inputs: null, message: null });
  });

  it('filters by time, user, element, action, action family and result, with a limit', () => {
    const times = (query: Parameters<AuditLog['query']>[0]) => audit.query(query).map((r) => r.time);
    expect(times({ from: 200, to: 400 })).toEqual([400, 300, 200]);
    expect(times({ user: 'alice' })).toEqual([200, 100]);
    expect(times({ element: 'enc-1' })).toEqual([300, 200]);
    expect(times({ action: 'param.set' })).toEqual([200]);
    expect(times({ action: 'element.*' })).toEqual([500, 400]);
    expect(times({ action: 'element' })).toEqual([]);
    expect(times({ result: 'refused' })).toEqual([300]);
    expect(times({ user: 'admin', element: 'enc-2' })).toEqual([400]);
    expect(times({ limit: 2 })).toEqual([500, 400]);
  });

  it('stamps the current time when none is given', async () => {
    const before = Date.now();
    const record = await audit.record({ user: 'x', address: null, action: 'user.add', target: 'carol', result: 'ok' });
    expect(record.time).toBeGreaterThanOrEqual(before);
    expect(audit.query({ action: 'user.add' })).toEqual([record]);
  });

  it('cannot be changed or shortened, even with SQL', () => {
    expect(() => db.prepare("UPDATE audit_log SET result = 'ok' WHERE time = 300").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log WHERE time = 100').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(audit.query()).toHaveLength(5);
    expect(Object.getOwnPropertyNames(AuditLog.prototype).sort()).toEqual(['constructor', 'query', 'record']);
  });
});

describe('AuditLog in a running Tally', () => {
  it('writes through the store write thread: the main connection never waits for the write lock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tally-audit-'));
    const store = SqliteStore.open(join(dir, 'tally.db'), { writeThread: true });
    try {
      const audit = new AuditLog(store.db, store.statementWriter);
      const changesOnMain = () => store.db.prepare('SELECT total_changes() AS n').get() as { n: number };
      const before = changesOnMain();
      const first = await audit.record({ user: 'alice', address: null, action: 'action.run', target: 'playStream', result: 'ok' });
      const second = await audit.record({ user: 'bob', address: null, action: 'param.set', target: 'apiKey', result: 'refused' });
      expect(changesOnMain()).toEqual(before);
      expect(second.id).toBe(first.id + 1);
      // Committed when the promise settles: the main connection reads it at once.
      expect(audit.query()).toEqual([second, first]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
