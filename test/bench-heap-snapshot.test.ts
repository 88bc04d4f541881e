/**
 * The heap-snapshot summary's retained sizes: on a small graph whose dominators are known,
 * and on a real snapshot of this process, where an object holding 4 MB must be seen to.
 */
import { getHeapSnapshot } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { retainedSizes } from '../bench/heap-retainers.js';
import { retainedByConstructor, type HeapSnapshot } from '../bench/heap-snapshot.js';

/** A snapshot in V8's layout: nodes [type, name, id, self_size, edge_count], edges [type, name_or_index, to_node]. */
function snapshotOf(nodes: { name: string; size: number; edges: { to: number; weak?: boolean }[] }[]): HeapSnapshot {
  const strings = ['', ...nodes.map((node) => node.name)];
  return {
    snapshot: {
      meta: {
        node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'],
        node_types: [['hidden', 'object']],
        edge_fields: ['type', 'name_or_index', 'to_node'],
        edge_types: [['property', 'weak']],
      },
    },
    nodes: nodes.flatMap((node, i) => [1, i + 1, i, node.size, node.edges.length]),
    edges: nodes.flatMap((node) => node.edges.flatMap((edge) => [edge.weak ? 1 : 0, 0, edge.to * 5])),
    strings,
  };
}

describe('bench heap-snapshot retained sizes', () => {
  it('gives each object what only it holds: shared objects go to their common holder, weak edges hold nothing', () => {
    // 0 root → 1 A, 2 C; A → 3 B, 4 D; C → 3 B; D → 5 E (weakly from C as well); 6 unreachable.
    const heap = snapshotOf([
      { name: 'root', size: 0, edges: [{ to: 1 }, { to: 2 }] },
      { name: 'A', size: 10, edges: [{ to: 3 }, { to: 4 }] },
      { name: 'C', size: 20, edges: [{ to: 3 }, { to: 5, weak: true }] },
      { name: 'B', size: 100, edges: [] },
      { name: 'D', size: 1000, edges: [{ to: 5 }] },
      { name: 'E', size: 5000, edges: [] },
      { name: 'lost', size: 7, edges: [] },
    ]);
    expect([...retainedSizes(heap)]).toEqual([6130, 6010, 20, 100, 6000, 5000, Number.NaN]);
    expect(retainedByConstructor(heap, 2)).toEqual([
      'retained (0.0 MB reachable from the roots)',
      '    0.0 MB         1  object A',
      '    0.0 MB         1  object D',
    ]);
  });

  it('finds what an object of this process holds in a real snapshot', async () => {
    class RetainedByTest {
      // Flat strings of their own (Buffer-made): a padded or repeated string may share its parts.
      readonly chunks = Array.from({ length: 64 }, (_, i) => Buffer.alloc(64 * 1024, String(i % 10)).toString('latin1'));
    }
    const holder = new RetainedByTest();
    let text = '';
    for await (const chunk of getHeapSnapshot()) text += String(chunk);
    const line = retainedByConstructor(JSON.parse(text) as HeapSnapshot, 100_000).find((entry) => entry.endsWith(' object RetainedByTest'));
    expect(holder.chunks).toHaveLength(64);
    expect(line).toBeDefined();
    const [megabytes, , count] = (line ?? '').trim().split(/\s+/);
    expect(Number(megabytes)).toBeGreaterThanOrEqual(4);
    expect(Number(count)).toBe(1);
  }, 60_000);
});
