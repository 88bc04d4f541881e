/**
 * An element's work, one item at a time, in priority order: operator actions and sets at
 * the head (first come, first served among themselves), then poll groups. A poll group is
 * never queued twice: if it is already waiting, falling due again changes nothing.
 */

/** Something the queue can hold; `queued` lets a poll group be found in O(1). */
export interface QueueItem {
  queued: boolean;
}

/** Work waiting in every element's queue together (for the queue-depth metric). */
export interface QueueTally {
  queued: number;
}

export class WorkQueue<T extends QueueItem> {
  private readonly head: T[] = [];
  private readonly polls: T[] = [];

  constructor(private readonly tally: QueueTally = { queued: 0 }) {}

  /** Operator work: runs before any poll. */
  pushHead(item: T): void {
    item.queued = true;
    this.head.push(item);
    this.tally.queued++;
  }

  /** True when an operator's work waits (it runs before any poll). */
  get hasOperatorWork(): boolean {
    return this.head.length > 0;
  }

  /** Queues a poll group at the back; false when it is already waiting. */
  pushPoll(item: T): boolean {
    if (item.queued) return false;
    item.queued = true;
    this.polls.push(item);
    this.tally.queued++;
    return true;
  }

  /** Puts a poll group first among the polls (behind operator work), queued or not. */
  pollNow(item: T): void {
    if (item.queued) {
      const index = this.polls.indexOf(item);
      if (index === 0) return;
      if (index > 0) this.polls.splice(index, 1);
    } else {
      this.tally.queued++;
    }
    item.queued = true;
    this.polls.unshift(item);
  }

  shift(): T | undefined {
    const item = this.head.length > 0 ? this.head.shift() : this.polls.shift();
    if (item) {
      item.queued = false;
      this.tally.queued--;
    }
    return item;
  }

  /** Drops the waiting polls (pause, failure backoff); operator work stays. */
  clearPolls(): void {
    for (const item of this.polls) item.queued = false;
    this.tally.queued -= this.polls.length;
    this.polls.length = 0;
  }

  /** Empties the queue and returns the operator work that was waiting, to be refused. */
  clear(): T[] {
    this.clearPolls();
    const dropped = this.head.splice(0);
    for (const item of dropped) item.queued = false;
    this.tally.queued -= dropped.length;
    return dropped;
  }

  get size(): number {
    return this.head.length + this.polls.length;
  }

  /** The waiting items in run order (diagnostics and tests). */
  snapshot(): T[] {
    return [...this.head, ...this.polls];
  }
}
