import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../store/sqlite-store.js';
import type { StatementWriter } from '../store/statement-writer.js';
import type { Alarm, AlarmChangeKind } from './alarm.js';
import { AlarmStore } from './alarm-store.js';

function alarm(id: number, changes: Partial<Alarm> = {}): Alarm {
  return {
    id,
    elementId: 'enc-1',
    elementName: 'Encoder 1',
    ruleId: 'health',
    paramId: 'health',
    tableId: null,
    rowKey: null,
    displayKey: null,
    severity: 'critical',
    value: 'unhealthy',
    message: 'Health is Unhealthy',
    raisedAt: 1000,
    updatedAt: 1000,
    clearedAt: null,
    acknowledged: false,
    ackComment: null,
    ackUser: null,
    ackAt: null,
    ...changes,
  };
}

/** Queues the alarm's state and the step that led to it, as the engine does. */
function save(alarms: AlarmStore, state: Alarm, change: AlarmChangeKind): void {
  alarms.saveAlarm(state);
  const { id: alarmId, updatedAt: time, severity, value, message } = state;
  alarms.saveChange({ alarmId, time, change, severity, value, message, user: null, comment: null });
}

describe('AlarmStore on the store write thread', () => {
  let dir: string;
  let store: SqliteStore;
  let changesOnMain: () => number;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tally-alarm-store-'));
    store = SqliteStore.open(join(dir, 'tally.db'), { writeThread: true });
    changesOnMain = () => (store.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a flush asked for while one is in flight after it, with what a failed one put back', async () => {
    let refuseNext = true;
    let firstWriteSent!: () => void;
    const inFlight = new Promise<void>((resolve) => (firstWriteSent = resolve));
    // Fails its first transaction a little later, as a thread dying mid-commit would.
    const writer: StatementWriter = {
      async run(writes) {
        if (!refuseNext) return store.statementWriter.run(writes);
        refuseNext = false;
        firstWriteSent();
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error('disk full');
      },
    };
    const alarms = new AlarmStore(store.db, writer);
    const before = changesOnMain();
    const raised = alarm(1);
    save(alarms, raised, 'raised');
    const first = alarms.flush();
    await inFlight;
    const cleared = alarm(1, { updatedAt: 2000, clearedAt: 2000, value: 'healthy', message: 'Health is Healthy' });
    save(alarms, cleared, 'cleared');
    const second = alarms.flush();

    await expect(first).rejects.toThrow('disk full');
    // The put-back changes, then the newer ones, in one transaction: the alarm in its newer state.
    expect(await second).toBe(3);
    expect(store.db.prepare('SELECT alarm_id AS id, change FROM alarm_changes ORDER BY rowid').all()).toEqual([
      { id: 1, change: 'raised' },
      { id: 1, change: 'cleared' },
    ]);
    expect(alarms.get(1)).toEqual(cleared);
    expect(alarms.pendingWrites).toBe(0);
    expect(changesOnMain()).toBe(before);
  });

  it('prunes through the writer: alarms cleared before the date and their history, never active ones', async () => {
    const alarms = new AlarmStore(store.db, store.statementWriter);
    const before = changesOnMain();
    save(alarms, alarm(1, { clearedAt: 1500, updatedAt: 1500 }), 'cleared');
    save(alarms, alarm(2, { clearedAt: 3000, updatedAt: 3000 }), 'cleared');
    save(alarms, alarm(3), 'raised');
    expect(await alarms.flush()).toBe(6);

    expect(await alarms.prune(2000)).toBe(1);
    expect(alarms.query({ state: 'all' }).map((kept) => kept.id)).toEqual([3, 2]);
    expect(alarms.history(1)).toEqual([]);
    expect(alarms.history(2).map((step) => step.change)).toEqual(['cleared']);
    expect(changesOnMain()).toBe(before);
  });
});
