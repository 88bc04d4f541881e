/**
 * Retained sizes in a V8 heap snapshot: what would be freed with each object. An object's
 * retained size is its own plus that of every object its dominator subtree holds (objects
 * reachable from the roots only through it). Weak references hold nothing.
 */
import type { HeapSnapshot } from './heap-snapshot.js';

/** The snapshot's graph: node i's strong edges lead to `targets[first[i] .. first[i + 1])`. */
interface Graph {
  first: Uint32Array;
  targets: Uint32Array;
}

function strongGraph(heap: HeapSnapshot): Graph {
  const { node_fields: nodeFields, edge_fields: edgeFields, edge_types: edgeTypes } = heap.snapshot.meta;
  const nodeWidth = nodeFields.length;
  const edgeWidth = edgeFields.length;
  const edgeCountAt = nodeFields.indexOf('edge_count');
  const edgeTypeAt = edgeFields.indexOf('type');
  const toAt = edgeFields.indexOf('to_node');
  const weak = edgeTypes[0].indexOf('weak');
  const count = heap.nodes.length / nodeWidth;
  const first = new Uint32Array(count + 1);
  const targets = new Uint32Array(heap.edges.length / edgeWidth);
  let kept = 0;
  // A node's edges follow the previous node's in `edges`.
  for (let node = 0, edge = 0; node < count; node++) {
    first[node] = kept;
    const end = edge + heap.nodes[node * nodeWidth + edgeCountAt] * edgeWidth;
    for (; edge < end; edge += edgeWidth) {
      if (heap.edges[edge + edgeTypeAt] !== weak) targets[kept++] = heap.edges[edge + toAt] / nodeWidth;
    }
  }
  first[count] = kept;
  return { first, targets };
}

/** Nodes reachable from the root (node 0) in depth-first post-order, and each one's predecessors. */
function depthFirst({ first, targets }: Graph): { order: number[]; predecessors: number[][] } {
  const count = first.length - 1;
  const order: number[] = [];
  const predecessors: number[][] = Array.from({ length: count }, () => []);
  const visited = new Uint8Array(count);
  const next = Uint32Array.from(first.subarray(0, count));
  const stack = [0];
  visited[0] = 1;
  while (stack.length > 0) {
    const node = stack[stack.length - 1];
    if (next[node] < first[node + 1]) {
      const target = targets[next[node]++];
      predecessors[target].push(node);
      if (!visited[target]) {
        visited[target] = 1;
        stack.push(target);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return { order, predecessors };
}

/** Each reachable node's immediate dominator, iterated to a fixed point (Cooper, Harvey and Kennedy's method). */
function immediateDominators(order: number[], predecessors: number[][]): Int32Array {
  const postIndex = new Int32Array(predecessors.length).fill(-1);
  order.forEach((node, index) => (postIndex[node] = index));
  const dominator = new Int32Array(predecessors.length).fill(-1);
  dominator[0] = 0;
  const intersect = (a: number, b: number): number => {
    while (a !== b) {
      while (postIndex[a] < postIndex[b]) a = dominator[a];
      while (postIndex[b] < postIndex[a]) b = dominator[b];
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    // Reverse post-order, the root (last) excepted.
    for (let i = order.length - 2; i >= 0; i--) {
      const node = order[i];
      let candidate = -1;
      for (const predecessor of predecessors[node]) {
        if (dominator[predecessor] !== -1) candidate = candidate === -1 ? predecessor : intersect(predecessor, candidate);
      }
      if (candidate !== dominator[node]) {
        dominator[node] = candidate;
        changed = true;
      }
    }
  }
  return dominator;
}

/** Retained bytes per node (index = node number); NaN for nodes the roots do not reach. */
export function retainedSizes(heap: HeapSnapshot): Float64Array {
  const nodeFields = heap.snapshot.meta.node_fields;
  const sizeAt = nodeFields.indexOf('self_size');
  const { order, predecessors } = depthFirst(strongGraph(heap));
  const dominator = immediateDominators(order, predecessors);
  const retained = new Float64Array(predecessors.length).fill(Number.NaN);
  for (const node of order) retained[node] = heap.nodes[node * nodeFields.length + sizeAt];
  // Post-order lists every node before its dominator: one pass adds the subtrees up.
  for (const node of order) if (node !== 0) retained[dominator[node]] += retained[node];
  return retained;
}
