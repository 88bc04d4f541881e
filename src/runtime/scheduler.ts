/**
 * One timer for every element: due times sit in a binary min-heap and a single setTimeout
 * waits for the earliest. Per-element setInterval timers do not scale to 10,000 elements
 * (each is a libuv handle and they all drift and pile up); a heap costs O(log n) per
 * reschedule and nothing while waiting.
 *
 * The timer wakes on a grid of `tickMs` (100 ms by default), firing together everything
 * that came due since the last tick, never early. Polls started in the same turn write their
 * requests back to back and their answers come back together: a write to a device's socket
 * that finds the other side awake costs far less than one that must wake it, and one wake-up
 * of the event loop then reads many answers. Measured at 2,000 elements on 10 s (bench/README.md):
 * Tally's CPU 37 % with a 10 ms grid, 27 % with 100 ms, 30 % with 500 ms (polls then bunch
 * behind the concurrency limit); a poll starts at most one tick late.
 */

/** A thing waiting for its time. Owners keep and reuse it, so polling allocates nothing. */
export class Timed {
  dueAt = 0;
  /** Position in the heap, -1 when not scheduled. */
  heapIndex = -1;
  constructor(readonly fire: () => void) {}

  get scheduled(): boolean {
    return this.heapIndex >= 0;
  }
}

// setTimeout takes a signed 32-bit delay; longer waits are re-armed when they end.
const MAX_DELAY = 2 ** 31 - 1;
export const DEFAULT_TICK_MS = 100;

export class Scheduler {
  private readonly heap: Timed[] = [];
  private readonly firing: Timed[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerAt = Infinity;
  private readonly onTimer = (): void => this.fireDue();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly tickMs: number = DEFAULT_TICK_MS,
  ) {}

  /** Schedules (or moves) `item` to fire at epoch-ms `at`. */
  schedule(item: Timed, at: number): void {
    if (item.scheduled) {
      const earlier = at < item.dueAt;
      item.dueAt = at;
      if (earlier) this.siftUp(item.heapIndex);
      else this.siftDown(item.heapIndex);
    } else {
      item.dueAt = at;
      item.heapIndex = this.heap.length;
      this.heap.push(item);
      this.siftUp(item.heapIndex);
    }
    this.arm();
  }

  cancel(item: Timed): void {
    const index = item.heapIndex;
    if (index < 0) return;
    const last = this.heap.pop() as Timed;
    item.heapIndex = -1;
    if (last !== item) {
      this.heap[index] = last;
      last.heapIndex = index;
      this.siftUp(index);
      this.siftDown(last.heapIndex);
    }
    this.arm();
  }

  /** Number of scheduled items (diagnostics and tests). */
  get size(): number {
    return this.heap.length;
  }

  /** Forgets every item and clears the timer. */
  stop(): void {
    for (const item of this.heap) item.heapIndex = -1;
    this.heap.length = 0;
    this.arm();
  }

  private arm(): void {
    const earliest = this.heap.length > 0 ? this.heap[0].dueAt : Infinity;
    // The tick at or after the earliest due time: items due before it fire with it.
    const next = earliest === Infinity ? Infinity : Math.ceil(earliest / this.tickMs) * this.tickMs;
    if (next === this.timerAt) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = next;
    if (next === Infinity) return;
    this.timer = setTimeout(this.onTimer, Math.min(MAX_DELAY, Math.max(0, next - this.now())));
    this.timer.unref?.();
  }

  private fireDue(): void {
    this.timer = null;
    this.timerAt = Infinity;
    const now = this.now();
    // Collect first, then fire: an item that reschedules itself for "now" waits for the
    // next turn instead of looping here forever.
    while (this.heap.length > 0 && this.heap[0].dueAt <= now) {
      const item = this.heap[0];
      this.cancelTop();
      this.firing.push(item);
    }
    for (let i = 0; i < this.firing.length; i++) {
      try {
        this.firing[i].fire();
      } catch {
        // An owner's bug must not stop the clock for every other element.
      }
    }
    this.firing.length = 0;
    this.arm();
  }

  private cancelTop(): void {
    const top = this.heap[0];
    const last = this.heap.pop() as Timed;
    top.heapIndex = -1;
    if (last !== top) {
      this.heap[0] = last;
      last.heapIndex = 0;
      this.siftDown(0);
    }
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    const item = heap[index];
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex];
      if (parent.dueAt <= item.dueAt) break;
      heap[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    heap[index] = item;
    item.heapIndex = index;
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    const length = heap.length;
    const item = heap[index];
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && heap[right].dueAt < heap[left].dueAt ? right : left;
      if (heap[child].dueAt >= item.dueAt) break;
      heap[index] = heap[child];
      heap[index].heapIndex = index;
      index = child;
    }
    heap[index] = item;
    item.heapIndex = index;
  }
}
