/**
 * One timer for every pending deadline (hysteresis of thousands of cells, webhook retries…):
 * a binary min-heap with lazy deletion, re-arming a single `setTimeout` on the earliest
 * deadline. Rescheduling or cancelling a key is O(1); stale heap entries are skipped when
 * they surface. Works with fake timers because it only uses `Date.now` and `setTimeout`.
 */
export class DeadlineQueue<K> {
  private readonly heap: { dueAt: number; key: K; seq: number }[] = [];
  private readonly live = new Map<K, number>();
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;

  constructor(private readonly onDue: (key: K) => void) {}

  /** (Re)schedules `key` at epoch ms `dueAt`. */
  schedule(key: K, dueAt: number): void {
    const seq = ++this.seq;
    this.live.set(key, seq);
    this.push({ dueAt, key, seq });
    if (this.heap.length > 2 * this.live.size + 64) this.compact();
    if (dueAt < this.armedFor) this.arm();
  }

  cancel(key: K): void {
    this.live.delete(key);
  }

  has(key: K): boolean {
    return this.live.has(key);
  }

  get size(): number {
    return this.live.size;
  }

  /** Drops everything and the timer. */
  clear(): void {
    this.live.clear();
    this.heap.length = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
  }

  /** Drops superseded entries so churn (a flapping value) cannot grow the heap without bound. */
  private compact(): void {
    const entries = this.heap.filter((entry) => this.live.get(entry.key) === entry.seq);
    this.heap.length = 0;
    for (const entry of entries) this.push(entry);
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
    while (this.heap.length > 0 && this.live.get(this.heap[0].key) !== this.heap[0].seq) this.pop();
    if (this.heap.length === 0) return;
    this.armedFor = this.heap[0].dueAt;
    this.timer = setTimeout(() => this.fire(), Math.max(0, this.armedFor - Date.now()));
    this.timer.unref?.();
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = Date.now();
    while (this.heap.length > 0 && this.heap[0].dueAt <= now) {
      const entry = this.pop();
      if (this.live.get(entry.key) !== entry.seq) continue;
      this.live.delete(entry.key);
      try {
        this.onDue(entry.key);
      } catch {
        // One failing deadline must not stop the others from firing.
      }
    }
    this.arm();
  }

  private push(entry: { dueAt: number; key: K; seq: number }): void {
    const heap = this.heap;
    heap.push(entry);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (heap[parent].dueAt <= entry.dueAt) break;
      heap[index] = heap[parent];
      index = parent;
    }
    heap[index] = entry;
  }

  private pop(): { dueAt: number; key: K; seq: number } {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const child = right < heap.length && heap[right].dueAt < heap[left].dueAt ? right : left;
        if (heap[child].dueAt >= last.dueAt) break;
        heap[index] = heap[child];
        index = child;
      }
      heap[index] = last;
    }
    return top;
  }
}
