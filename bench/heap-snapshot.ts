/**
 * Heap snapshots of Tally during a benchmark (`npm run bench -- --heap-snapshot DIR`), and
 * their summary: what fills the heap, by constructor, the biggest first; then what holds it:
 * the size each constructor's objects retain (what would be freed with them).
 *
 *   node dist/bench/heap-snapshot.js DIR/Heap.….heapsnapshot [top=40]
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { retainedSizes } from './heap-retainers.js';

/** Node flags that make the process write a snapshot into `dir` (created here: Node does not) when it gets SIGUSR2. */
export function heapSnapshotFlags(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return ['--heapsnapshot-signal=SIGUSR2', '--diagnostic-dir', dir];
}

/** Signals the process and waits until its snapshot file has stopped growing; returns its path. */
export async function takeHeapSnapshot(child: ChildProcess, dir: string): Promise<string> {
  const before = new Set(readdirSync(dir));
  child.kill('SIGUSR2');
  let lastSize = -1;
  for (;;) {
    await sleep(1000);
    const file = readdirSync(dir).find((name) => name.endsWith('.heapsnapshot') && !before.has(name));
    if (!file) continue;
    const size = statSync(join(dir, file)).size;
    if (size > 0 && size === lastSize) return join(dir, file);
    lastSize = size;
  }
}

export interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(1).padStart(7);

/** Strings and code are named by their content: such nodes are grouped by type alone. */
function nodeKey(type: string, name: string): string {
  return type === 'object' || type === 'closure' || type === 'native' ? `${type} ${name}` : type;
}

/**
 * `sizeOf(node)` summed per node type and constructor name (nodes it answers null for left
 * out), the biggest first, `top` lines.
 */
function rankByConstructor(heap: HeapSnapshot, sizeOf: (node: number) => number | null, top: number): string[] {
  const fields = heap.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const types = heap.snapshot.meta.node_types[0];
  const byKey = new Map<string, { bytes: number; count: number }>();
  for (let node = 0; node < heap.nodes.length / width; node++) {
    const size = sizeOf(node);
    if (size === null) continue;
    const key = nodeKey(types[heap.nodes[node * width + typeAt]], heap.strings[heap.nodes[node * width + nameAt]]);
    const entry = byKey.get(key) ?? { bytes: 0, count: 0 };
    entry.bytes += size;
    entry.count++;
    byKey.set(key, entry);
  }
  return [...byKey]
    .sort((a, b) => b[1].bytes - a[1].bytes)
    .slice(0, top)
    .map(([key, { bytes, count }]) => `${mb(bytes)} MB ${String(count).padStart(9)}  ${key}`);
}

/** Self size per node type and constructor name, the biggest first. */
export function summariseHeap(heap: HeapSnapshot, top: number): string[] {
  const fields = heap.snapshot.meta.node_fields;
  const sizeAt = fields.indexOf('self_size');
  const selfSize = (node: number): number => heap.nodes[node * fields.length + sizeAt];
  let total = 0;
  for (let node = 0; node < heap.nodes.length / fields.length; node++) total += selfSize(node);
  return [`heap ${mb(total).trim()} MB in ${heap.nodes.length / fields.length} objects`, ...rankByConstructor(heap, selfSize, top)];
}

/**
 * Retained size per node type and constructor name, the biggest first: each object's own size
 * and that of every object reachable only through it, summed over the constructor's objects.
 * "object ElementSupervisor 62 MB in 2,000" is what 2,000 elements hold; nested objects count
 * in their holders' figures as well.
 */
export function retainedByConstructor(heap: HeapSnapshot, top: number): string[] {
  const retained = retainedSizes(heap);
  // The root (node 0) holds everything; unreachable nodes hold nothing (NaN).
  const held = (node: number): number | null => (node === 0 || Number.isNaN(retained[node]) ? null : retained[node]);
  return [`retained (${mb(retained[0]).trim()} MB reachable from the roots)`, ...rankByConstructor(heap, held, top)];
}

// Run as a script (not imported by the benchmark): summarise the snapshot given.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2]) {
  const heap = JSON.parse(readFileSync(process.argv[2], 'utf8')) as HeapSnapshot;
  const top = Number(process.argv[3] ?? 40);
  process.stdout.write(`${[...summariseHeap(heap, top), ...retainedByConstructor(heap, top)].join('\n')}\n`);
}
