/**
 * Elements run in parallel, but at most `limit` at once across the process: a burst of
 * 10,000 polls must not open 10,000 sockets nor starve the event loop. Waiting elements are
 * served first come, first served; an element re-submits after each item of work, so one
 * busy element cannot hold a slot while others wait.
 */

/** Something that uses a slot for one item of work and settles when done. */
export interface SlotUser {
  runSlot(): Promise<void>;
}

export class ConcurrencyLimiter {
  private running = 0;
  private waiting: SlotUser[] = [];
  private waitingHead = 0;
  private readonly release = (): void => {
    this.running--;
    this.next();
  };

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error('concurrency limit must be a positive integer');
  }

  submit(user: SlotUser): void {
    this.waiting.push(user);
    this.next();
  }

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length - this.waitingHead;
  }

  private next(): void {
    while (this.running < this.limit && this.waitingHead < this.waiting.length) {
      const user = this.waiting[this.waitingHead++];
      this.compact();
      this.running++;
      let done: Promise<void>;
      try {
        done = user.runSlot();
      } catch {
        done = Promise.resolve();
      }
      done.then(this.release, this.release);
    }
  }

  // A head index instead of shift() keeps dequeuing O(1) with thousands waiting.
  private compact(): void {
    if (this.waitingHead === this.waiting.length) {
      this.waiting.length = 0;
      this.waitingHead = 0;
    } else if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.waitingHead);
      this.waitingHead = 0;
    }
  }
}
