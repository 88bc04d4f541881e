import { beforeEach, describe, expect, it } from 'vitest';
import { openSqlite, type SqliteDatabase } from '../store/sqlite-database.js';
import { AuditLog } from './audit-log.js';

describe('AuditLog', () => {
  let db: SqliteDatabase;
  let audit: AuditLog;

  beforeEach(() => {
    db = openSqlite(':memory:');
    audit = new AuditLog(db);
    audit.record({ time: 100, user: 'alice', address: '10.0.0.1', action: 'signin.success', result: 'ok' });
    audit.record({
      time: 200,
      user: 'alice',
      address: '10.0.0.1',
      action: 'param.set',
      elementId: 'enc-1',
      target: 'bitrate',
      inputs: { value: 8000 },
      result: 'ok',
    });
    audit.record({
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
    audit.record({ time: 400, user: 'admin', address: null, action: 'element.delete', elementId: 'enc-2', result: 'ok' });
    audit.record({ time: 500, user: 'admin', address: '::1', action: 'element.create', elementId: 'enc-3', result: 'error', message: 'device refused' });
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

  it('stamps the current time when none is given', () => {
    const before = Date.now();
    const record = audit.record({ user: 'x', address: null, action: 'user.add', target: 'carol', result: 'ok' });
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
