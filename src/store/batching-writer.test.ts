import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BatchingWriter } from './batching-writer.js';
import { SqliteStore } from './sqlite-store.js';
import { elementRecord } from '../../test/store/element-record.js';
import type { StoredRow, ValueBatch } from './types.js';

const ELEMENT = elementRecord('enc-1');

function row(key: string, state: string): StoredRow {
  return { elementId: 'enc-1', tableId: 'streams', key, displayKey: key, cells: { state }, updatedAt: 1 };
}

describe('BatchingWriter', () => {
  let store: SqliteStore;
  let batches: ValueBatch[];

  beforeEach(async () => {
    vi.useFakeTimers();
    store = SqliteStore.open(':memory:');
    await store.saveElement(ELEMENT);
    batches = [];
    const write = store.writeBatch.bind(store);
    vi.spyOn(store, 'writeBatch').mockImplementation(async (b) => {
      batches.push(structuredClone(b));
      await write(b);
    });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await store.close();
  });

  it('writes nothing until the interval passes, then everything in one batch', async () => {
    const writer = new BatchingWriter(store, { intervalMs: 200 });
    writer.queueParam({ elementId: 'enc-1', paramId: 'a', value: 1, updatedAt: 1 });
    writer.queueRow(row('s1', 'running'));
    writer.queueEvent({ time: 1, elementId: 'enc-1', kind: 'set', user: 'bob', message: 'set a' });
    await vi.advanceTimersByTimeAsync(199);
    expect(batches).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches).toHaveLength(1);
    expect(writer.batches).toBe(1);
    expect(writer.rowsWritten).toBe(3);
    expect(writer.pendingCount).toBe(0);
    expect((await store.loadValues('enc-1')).params.map((p) => p.value)).toEqual([1]);
    expect(await store.listEvents({})).toHaveLength(1);
    await writer.close();
  });

  it('keeps only the newest value per parameter and per row', async () => {
    const writer = new BatchingWriter(store);
    for (let i = 1; i <= 50; i++) writer.queueParam({ elementId: 'enc-1', paramId: 'bitrate', value: i, updatedAt: i });
    writer.queueRow(row('s1', 'starting'));
    writer.queueRow(row('s1', 'running'));
    expect(writer.pendingCount).toBe(2);
    await writer.flush();
    expect(batches[0].params).toEqual([{ elementId: 'enc-1', paramId: 'bitrate', value: 50, updatedAt: 50 }]);
    expect(batches[0].rows).toEqual([row('s1', 'running')]);
    await writer.close();
  });

  it('lets the later of an upsert and a delete of the same row win', async () => {
    const writer = new BatchingWriter(store);
    writer.queueRow(row('gone', 'running'));
    writer.queueRowDelete('enc-1', 'streams', 'gone');
    writer.queueRowDelete('enc-1', 'streams', 'back');
    writer.queueRow(row('back', 'running'));
    await writer.flush();
    expect(batches[0].deletedRows).toEqual([{ elementId: 'enc-1', tableId: 'streams', key: 'gone' }]);
    expect(batches[0].rows).toEqual([row('back', 'running')]);
    expect((await store.loadValues('enc-1')).rows.map((r) => r.key)).toEqual(['back']);

    writer.queueRowDelete('enc-1', 'streams', 'back');
    await writer.flush();
    expect((await store.loadValues('enc-1')).rows).toEqual([]);
    await writer.close();
  });

  it('writes at once when maxPending changes wait', async () => {
    const writer = new BatchingWriter(store, { intervalMs: 60_000, maxPending: 10 });
    for (let i = 0; i < 9; i++) writer.queueParam({ elementId: 'enc-1', paramId: `p${i}`, value: i, updatedAt: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toHaveLength(0);
    writer.queueParam({ elementId: 'enc-1', paramId: 'p9', value: 9, updatedAt: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toHaveLength(1);
    expect(batches[0].params).toHaveLength(10);
    await writer.close();
  });

  it('uses one timer however many elements change', async () => {
    const writer = new BatchingWriter(store, { intervalMs: 200 });
    for (let i = 0; i < 1000; i++) writer.queueParam({ elementId: `el-${i}`, paramId: 'x', value: i, updatedAt: 1 });
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(batches).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
    await writer.close();
  });

  it('keeps a failed batch and retries it, newer changes winning over the retried ones', async () => {
    const errors: unknown[] = [];
    const flushes: number[] = [];
    const writer = new BatchingWriter(store, {
      intervalMs: 200,
      logger: { error: (details) => errors.push(details) },
      onFlush: (_ms, count) => flushes.push(count),
    });
    vi.mocked(store.writeBatch).mockRejectedValueOnce(new Error('disk full'));
    writer.queueParam({ elementId: 'enc-1', paramId: 'a', value: 1, updatedAt: 1 });
    writer.queueParam({ elementId: 'enc-1', paramId: 'b', value: 1, updatedAt: 1 });
    writer.queueEvent({ time: 1, elementId: 'enc-1', kind: 'info', user: null, message: 'first' });
    await vi.advanceTimersByTimeAsync(200);
    expect(errors).toHaveLength(1);
    expect(writer.failedBatches).toBe(1);
    expect(writer.pendingCount).toBe(3);

    writer.queueParam({ elementId: 'enc-1', paramId: 'a', value: 2, updatedAt: 2 });
    writer.queueEvent({ time: 2, elementId: 'enc-1', kind: 'info', user: null, message: 'second' });
    await vi.advanceTimersByTimeAsync(200);
    expect(flushes).toEqual([4]);
    const params = (await store.loadValues('enc-1')).params.sort((x, y) => x.paramId.localeCompare(y.paramId));
    expect(params.map((p) => [p.paramId, p.value])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    expect((await store.listEvents({})).map((e) => e.message)).toEqual(['second', 'first']);
    await writer.close();
  });

  it('rejects an explicit flush that fails, and still has the changes for the next one', async () => {
    const writer = new BatchingWriter(store);
    vi.mocked(store.writeBatch).mockRejectedValueOnce(new Error('locked'));
    writer.queueParam({ elementId: 'enc-1', paramId: 'a', value: 1, updatedAt: 1 });
    await expect(writer.flush()).rejects.toThrow('locked');
    await writer.flush();
    expect((await store.loadValues('enc-1')).params).toHaveLength(1);
    await writer.close();
  });

  it('flushes on close, leaves no timer and refuses later changes', async () => {
    const writer = new BatchingWriter(store, { intervalMs: 60_000 });
    writer.queueParam({ elementId: 'enc-1', paramId: 'a', value: 1, updatedAt: 1 });
    await writer.close();
    expect(batches).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
    expect(() => writer.queueParam({ elementId: 'enc-1', paramId: 'a', value: 2, updatedAt: 2 })).toThrow(/closed/);
  });

  it('forgets the waiting values of a deleted element but keeps its events', async () => {
    const writer = new BatchingWriter(store);
    writer.queueParam({ elementId: 'enc-1', paramId: 'a', value: 1, updatedAt: 1 });
    writer.queueParam({ elementId: 'enc-10', paramId: 'a', value: 1, updatedAt: 1 });
    writer.queueRow(row('s1', 'running'));
    writer.queueEvent({ time: 1, elementId: 'enc-1', kind: 'config', user: 'admin', message: 'deleted' });
    writer.forgetElement('enc-1');
    await writer.flush();
    expect(batches[0].params.map((p) => p.elementId)).toEqual(['enc-10']);
    expect(batches[0].rows).toEqual([]);
    expect(batches[0].events).toHaveLength(1);
    await writer.close();
  });

  describe('the deferred lane', () => {
    const bitrate = (value: number, updatedAt = value) => ({ elementId: 'enc-1', paramId: 'bitrate', value, updatedAt });

    it('writes deferrable changes once per deferred interval, with one timer, never on a plain flush', async () => {
      const writer = new BatchingWriter(store, { intervalMs: 200, deferredIntervalMs: 10_000 });
      writer.queueParam(bitrate(1), true);
      writer.queueRow(row('s1', 'running'), true);
      writer.queueParam({ elementId: 'enc-2', paramId: 'bitrate', value: 1, updatedAt: 1 }, true);
      expect(vi.getTimerCount()).toBe(1);
      await writer.flush();
      await vi.advanceTimersByTimeAsync(9_999);
      expect(batches).toHaveLength(0);
      expect(writer.pendingCount).toBe(3);
      expect(writer.deferredCount).toBe(3);

      writer.queueParam(bitrate(2), true);
      await vi.advanceTimersByTimeAsync(1);
      expect(batches).toHaveLength(1);
      expect(batches[0].params.map((p) => p.value)).toEqual([2, 1]);
      expect(batches[0].rows).toEqual([row('s1', 'running')]);
      expect(writer.pendingCount).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
      await writer.close();
    });

    it('writes each key once it has waited the interval, oldest first: keys that came at different moments go out apart', async () => {
      const writer = new BatchingWriter(store, { intervalMs: 200, deferredIntervalMs: 10_000 });
      const keysWritten = () => batches.map((batch) => batch.rows.map((written) => written.key));
      writer.queueRow(row('s1', 'starting'), true);
      await vi.advanceTimersByTimeAsync(5_000);
      writer.queueRow(row('s2', 'running'), true);
      writer.queueRow(row('s1', 'running'), true); // a newer value keeps the key's place in the lane
      await vi.advanceTimersByTimeAsync(5_000);
      expect(keysWritten()).toEqual([['s1']]);
      expect(batches[0].rows[0].cells).toEqual({ state: 'running' });
      expect(writer.deferredCount).toBe(1);
      await vi.advanceTimersByTimeAsync(4_800);
      expect(keysWritten()).toEqual([['s1']]);
      await vi.advanceTimersByTimeAsync(200);
      expect(keysWritten()).toEqual([['s1'], ['s2']]);
      expect(vi.getTimerCount()).toBe(0);
      await writer.close();
    });

    it('writes them on close', async () => {
      const writer = new BatchingWriter(store);
      writer.queueParam(bitrate(1), true);
      await writer.close();
      expect(batches).toHaveLength(1);
      expect((await store.loadValues('enc-1')).params.map((p) => p.value)).toEqual([1]);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('lets a prompt change take a deferred one\'s place, and a deferrable one join a waiting prompt one', async () => {
      const writer = new BatchingWriter(store, { intervalMs: 200, deferredIntervalMs: 10_000 });
      writer.queueParam(bitrate(1), true);
      writer.queueParam(bitrate(2));
      writer.queueParam(bitrate(3), true);
      writer.queueRow(row('s1', 'running'), true);
      writer.queueRowDelete('enc-1', 'streams', 's1');
      expect(writer.deferredCount).toBe(0);
      await vi.advanceTimersByTimeAsync(200);
      expect(batches).toHaveLength(1);
      expect(batches[0].params.map((p) => p.value)).toEqual([3]);
      expect(batches[0].deletedRows).toEqual([{ elementId: 'enc-1', tableId: 'streams', key: 's1' }]);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(batches).toHaveLength(1);
      await writer.close();
    });

    it('forgets the deferred values of a deleted element', async () => {
      const writer = new BatchingWriter(store);
      writer.queueParam(bitrate(1), true);
      writer.queueRow(row('s1', 'running'), true);
      writer.forgetElement('enc-1');
      expect(writer.pendingCount).toBe(0);
      await writer.close();
      expect(batches).toHaveLength(0);
    });

    it('keeps a failed deferred write, and a deferrable change queued meanwhile replaces a failed prompt one', async () => {
      const writer = new BatchingWriter(store, { intervalMs: 200, deferredIntervalMs: 10_000 });
      vi.mocked(store.writeBatch).mockRejectedValueOnce(new Error('disk full'));
      writer.queueRow(row('s1', 'running'), true);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(writer.failedBatches).toBe(1);
      expect(writer.pendingCount).toBe(1);
      await vi.advanceTimersByTimeAsync(200);
      expect((await store.loadValues('enc-1')).rows).toEqual([row('s1', 'running')]);

      vi.mocked(store.writeBatch).mockImplementationOnce(async () => {
        writer.queueParam(bitrate(2), true); // comes while the write is under way
        throw new Error('disk full');
      });
      writer.queueParam(bitrate(1));
      await expect(writer.flush()).rejects.toThrow('disk full');
      expect(writer.deferredCount).toBe(0);
      await writer.flush();
      expect((await store.loadValues('enc-1')).params.map((p) => p.value)).toEqual([2]);
      await writer.close();
    });
  });
});
