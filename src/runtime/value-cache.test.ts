import { describe, expect, it, vi } from 'vitest';
import { defineConnector } from '../sdk/index.js';
import { LiveBus } from '../live/live-bus.js';
import type { LiveMessage } from './views.js';
import { ValueCache, type ValueWriter } from './value-cache.js';
import { BatchingWriter } from '../store/batching-writer.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { elementRecord } from '../../test/store/element-record.js';

const definition = defineConnector({
  id: 'cache-test',
  name: 'Cache test',
  vendor: 'Tally',
  version: '1.0.0.0',
  connection: { scheme: 'http', port: 80 },
  params: [
    { id: 'bitrate', name: 'Bitrate', type: 'number', unit: 'Mb/s', decimals: 1 },
    { id: 'rtt', name: 'Round-Trip Time', type: 'number', unit: 'ms', volatile: true },
    { id: 'password', name: 'Password', type: 'string', secret: true, config: true },
  ],
  tables: [
    {
      id: 'outputs',
      name: 'Outputs',
      displayColumn: 'name',
      columns: [
        { id: 'name', name: 'Name', type: 'string' },
        { id: 'status', name: 'Status', type: 'string' },
        { id: 'rxBitrate', name: 'Rx Bitrate', type: 'number', volatile: true },
        { id: 'loss', name: 'Loss', type: 'number', volatile: true },
      ],
    },
  ],
  pages: [],
  polls: [],
  actions: [],
});

function setUp() {
  const writes: string[] = [];
  const writer: ValueWriter = {
    queueParam: (p, deferrable) => writes.push(`${deferrable ? 'deferrable ' : ''}param ${p.paramId}=${String(p.value)}`),
    queueRow: (r, deferrable) => writes.push(`${deferrable ? 'deferrable ' : ''}row ${r.key}`),
    queueRowDelete: (_e, _t, key) => writes.push(`delete ${key}`),
    queueEvent: () => undefined,
  };
  const bus = new LiveBus();
  const messages: LiveMessage[] = [];
  // Copied at delivery, as a subscriber that keeps a message must: a row's cells change in place.
  bus.subscribe((message) => messages.push(structuredClone(message)));
  const unknown: string[] = [];
  const cache = new ValueCache('e1', definition, writer, bus, (kind, id) => unknown.push(`${kind} ${id}`));
  return { cache, writes, messages, unknown };
}

const row = (key: string, status: string) => ({ key, cells: { name: `Out ${key}`, status } });

describe('ValueCache', () => {
  it('stores and pushes only what changed', () => {
    const { cache, writes, messages } = setUp();
    cache.setParams({ bitrate: 8 }, 1);
    cache.setParams({ bitrate: 8 }, 2);
    cache.setParams({ bitrate: 9.25 }, 3);
    expect(writes).toEqual(['param bitrate=8', 'param bitrate=9.25']);
    expect(messages).toHaveLength(2);
    expect(cache.paramView('bitrate')).toMatchObject({ value: 9.25, display: '9.3 Mb/s', stale: false, updatedAt: 3 });
  });

  it('fills a table (vanished rows go) and upserts rows (others stay)', () => {
    const { cache, writes, messages } = setUp();
    cache.fillTable('outputs', [row('a', 'on'), row('b', 'on'), row('c', 'on')], 1);
    writes.length = 0;
    messages.length = 0;
    cache.fillTable('outputs', [row('a', 'on'), row('c', 'off')], 2);
    expect(writes).toEqual(['row c', 'delete b']);
    expect(messages).toEqual([
      {
        type: 'rows',
        elementId: 'e1',
        tableId: 'outputs',
        rows: [{ key: 'c', displayKey: 'Out c', cells: { name: 'Out c', status: 'off' }, stale: false, updatedAt: 2 }],
        removed: ['b'],
      },
    ]);
    cache.upsertRows('outputs', [row('d', 'on')], 3);
    expect(cache.rows('outputs').map((r) => r.key)).toEqual(['a', 'c', 'd']);
    cache.fillTable('outputs', [row('a', 'on'), row('c', 'off'), row('d', 'on')], 4);
    expect(writes).toEqual(['row c', 'delete b', 'row d']);
  });

  it('shows loaded values as stale until reported again, and everything stale in timeout', () => {
    const { cache, writes } = setUp();
    cache.load(
      [{ elementId: 'e1', paramId: 'bitrate', value: 7, updatedAt: 1 }],
      [{ elementId: 'e1', tableId: 'outputs', key: 'a', displayKey: 'Out a', cells: { name: 'Out a', status: 'on' }, updatedAt: 1 }],
    );
    expect(cache.paramView('bitrate')?.stale).toBe(true);
    expect(cache.tableView('outputs')?.rows[0].stale).toBe(true);
    cache.setParams({ bitrate: 7 }, 5);
    cache.fillTable('outputs', [row('a', 'on')], 5);
    expect(writes).toEqual([]);
    expect(cache.paramView('bitrate')?.stale).toBe(false);
    expect(cache.tableView('outputs')?.rows[0].stale).toBe(false);
    cache.setTimedOut(true);
    expect(cache.paramView('bitrate')?.stale).toBe(true);
    expect(cache.tableView('outputs')?.rows[0].stale).toBe(true);
  });

  it('never shows or stores a secret, and ignores what the connector does not declare', () => {
    const { cache, writes, unknown } = setUp();
    cache.setConfigured({ password: 'hunter22' }, 1, true);
    expect(cache.value('password')).toBe('hunter22');
    expect(cache.paramView('password')).toMatchObject({ value: null, isSet: true, display: '••••••' });
    cache.setParams({ password: 'x', nope: 1 }, 2);
    cache.fillTable('ghost', [], 2);
    expect(writes).toEqual([]);
    expect(unknown).toEqual(['parameter password', 'parameter nope', 'table ghost']);
    expect(cache.rows('outputs')).toEqual([]);
  });

  it('lets changes of volatile values only wait for the deferred lane', () => {
    const { cache, writes, messages } = setUp();
    const link = (key: string, status: string, rxBitrate: number, loss = 0) => ({
      key,
      cells: { ...row(key, status).cells, rxBitrate, loss },
    });
    cache.setParams({ rtt: 40, bitrate: 8 }, 1);
    cache.setParams({ rtt: 41 }, 2);
    cache.fillTable('outputs', [link('a', 'on', 5000)], 1);
    cache.fillTable('outputs', [link('a', 'on', 5100, 0.1)], 2);
    cache.fillTable('outputs', [link('a', 'off', 5200)], 3);
    cache.fillTable('outputs', [{ key: 'a', cells: { ...link('a', 'off', 5300).cells, name: 'Renamed' } }], 4);
    cache.fillTable('outputs', [link('a', 'off', 5300), link('b', 'on', 5000)], 5);
    expect(writes).toEqual([
      'deferrable param rtt=40',
      'param bitrate=8',
      'deferrable param rtt=41',
      'row a', // new
      'deferrable row a', // only volatile cells changed
      'row a', // a non-volatile cell changed too
      'row a', // renamed
      'row a', // name back
      'row b', // new
    ]);
    expect(messages.filter((m) => m.type === 'rows')).toHaveLength(5); // live updates are not deferred
  });

  it('patches the given cells of existing rows, comparing and writing only when one changed', () => {
    const { cache, writes, messages, unknown } = setUp();
    cache.fillTable('outputs', [{ key: 'a', cells: { name: 'Out a', status: 'on', rxBitrate: 5000, loss: 0 } }, row('b', 'on')], 1);
    writes.length = 0;
    messages.length = 0;
    cache.patchRows('outputs', [{ key: 'a', cells: { rxBitrate: 5000, loss: 0 } }, { key: 'ghost', cells: { rxBitrate: 1 } }], 2);
    expect(writes).toEqual([]); // unchanged, and no row for the ghost
    expect(messages).toEqual([]);
    cache.patchRows('outputs', [{ key: 'a', cells: { rxBitrate: 5100 } }], 3);
    cache.patchRows('outputs', [{ key: 'b', cells: { rxBitrate: 10 } }], 4); // a cell the row lacked: its shape changed
    cache.patchRows('outputs', [{ key: 'a', cells: { status: 'off' } }], 5);
    cache.patchRows('outputs', [{ key: 'a', cells: { name: 'Renamed' } }], 6);
    expect(writes).toEqual(['deferrable row a', 'row b', 'row a', 'row a']);
    expect(cache.row('outputs', 'a')).toEqual({ key: 'a', cells: { name: 'Renamed', status: 'off', rxBitrate: 5100, loss: 0 } });
    expect(cache.tableView('outputs')?.rows.map((r) => [r.key, r.displayKey, r.updatedAt])).toEqual([['a', 'Renamed', 6], ['b', 'Out b', 4]]);
    expect(messages[0]).toEqual({
      type: 'rows',
      elementId: 'e1',
      tableId: 'outputs',
      rows: [{ key: 'a', displayKey: 'Out a', cells: { name: 'Out a', status: 'on', rxBitrate: 5100, loss: 0 }, stale: false, updatedAt: 3 }],
      removed: [],
    });
    cache.patchRows('ghost', [], 7);
    expect(unknown).toEqual(['table ghost']);
  });

  it('changes a kept row in place and stores what the row holds when the batch is taken', async () => {
    const store = SqliteStore.open(':memory:');
    await store.saveElement(elementRecord('e1'));
    const writer = new BatchingWriter(store, { intervalMs: 60_000 });
    const bus = new LiveBus();
    const delivered: Record<string, unknown>[] = [];
    bus.subscribe((message) => {
      if (message.type === 'rows') for (const view of message.rows) delivered.push(view.cells);
    });
    const cache = new ValueCache('e1', definition, writer, bus, () => undefined);
    const wide = (status: string) => ({ key: 'a', cells: { name: 'Out a', status, rxBitrate: 5000, loss: 0 } });
    try {
      cache.fillTable('outputs', [wide('on')], 1);
      cache.fillTable('outputs', [wide('off')], 2);
      cache.patchRows('outputs', [{ key: 'a', cells: { loss: 0.5 } }], 3);
      // One cells object for the row's life while its columns stay: a change allocates nothing that waits for the write.
      expect(delivered).toHaveLength(3);
      expect(delivered[1]).toBe(delivered[0]);
      expect(delivered[2]).toBe(delivered[0]);
      cache.fillTable('outputs', [{ key: 'a', cells: { name: 'Out a', status: 'off' } }], 4); // two columns went
      expect(delivered[3]).not.toBe(delivered[0]);
      expect(delivered[0]).toEqual({ name: 'Out a', status: 'off', rxBitrate: 5000, loss: 0.5 }); // the old shape is let go as it was
      await writer.flush();
      const { rows } = await store.loadValues('e1');
      expect(rows).toEqual([{ elementId: 'e1', tableId: 'outputs', key: 'a', displayKey: 'Out a', cells: { name: 'Out a', status: 'off' }, updatedAt: 4 }]);
      cache.fillTable('outputs', [{ key: 'a', cells: { name: 'Out a', status: 'on' } }], 5);
      cache.fillTable('outputs', [{ key: 'a', cells: { name: 'Out a', status: 'standby' } }], 6);
      await writer.close();
      expect((await store.loadValues('e1')).rows[0]).toMatchObject({ cells: { name: 'Out a', status: 'standby' }, updatedAt: 6 });
    } finally {
      await store.close();
    }
  });

  it('queues a parameter as one record updated in place, stored as it is when the batch is taken', async () => {
    const store = SqliteStore.open(':memory:');
    await store.saveElement(elementRecord('e1'));
    const writer = new BatchingWriter(store, { intervalMs: 60_000 });
    const queued = vi.spyOn(writer, 'queueParam');
    const cache = new ValueCache('e1', definition, writer, new LiveBus(), () => undefined);
    try {
      cache.setParams({ bitrate: 8 }, 1);
      cache.setParams({ bitrate: 9.5 }, 2);
      expect(queued.mock.calls[1][0]).toBe(queued.mock.calls[0][0]);
      await writer.flush();
      expect((await store.loadValues('e1')).params).toEqual([{ elementId: 'e1', paramId: 'bitrate', value: 9.5, updatedAt: 2 }]);
      cache.setParams({ bitrate: 10 }, 3);
      await writer.close();
      expect((await store.loadValues('e1')).params).toEqual([{ elementId: 'e1', paramId: 'bitrate', value: 10, updatedAt: 3 }]);
    } finally {
      await store.close();
    }
  });
});
