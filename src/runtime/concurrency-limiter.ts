/**
 * Elements run in parallel, but at most `limit` at once across the process: a burst of
 * 10,000 polls must not open 10,000 sockets nor starve the event loop. Waiting elements are
 * served first come, first served; an element re-submits after each item of work, so one
 * busy element cannot hold a slot while others wait.
 *
 * Operator work must not wait behind thousands of other elements' polls, so there are two
 * lanes: an element whose next work is an operator's goes in the urgent lane, served first,
 * and an element already waiting in the ordinary lane is moved there when such work arrives.
 */

/** Something that uses a slot for one item of work and settles when done. */
export interface SlotUser {
  runSlot(): Promise<void>;
  /**
   * The user's place in line while it waits, null otherwise; only the limiter touches it.
   * Kept on the user rather than in a map of the limiter: such a map is filled and emptied
   * at every burst of polls, and V8 allocates a new table each time a map shrinks.
   */
  slotTicket: SlotTicket | null;
}

/** One place in a lane; cancelled when its user is moved to the urgent lane. */
export interface SlotTicket {
  user: SlotUser;
  urgent: boolean;
  cancelled: boolean;
}

/** A FIFO with O(1) dequeue: a head index instead of shift(), with thousands waiting. */
class Lane {
  private items: SlotTicket[] = [];
  private head = 0;

  push(ticket: SlotTicket): void {
    this.items.push(ticket);
  }

  /** The next ticket still valid, skipping cancelled ones. */
  take(): SlotTicket | undefined {
    while (this.head < this.items.length) {
      const ticket = this.items[this.head++];
      this.compact();
      if (!ticket.cancelled) return ticket;
    }
    return undefined;
  }

  get length(): number {
    return this.items.length - this.head;
  }

  private compact(): void {
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

export class ConcurrencyLimiter {
  private running = 0;
  private waiting = 0;
  private readonly urgent = new Lane();
  private readonly ordinary = new Lane();
  private readonly release = (): void => {
    this.running--;
    this.next();
  };

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error('concurrency limit must be a positive integer');
  }

  /** Waits for a slot; `urgent` for operator work. A user waits at most once at a time. */
  submit(user: SlotUser, urgent = false): void {
    if (user.slotTicket) {
      if (urgent) this.promote(user);
      return;
    }
    const ticket: SlotTicket = { user, urgent, cancelled: false };
    user.slotTicket = ticket;
    this.waiting++;
    (urgent ? this.urgent : this.ordinary).push(ticket);
    this.next();
  }

  /** Moves a waiting user to the urgent lane (operator work arrived while it waited). */
  promote(user: SlotUser): void {
    const ticket = user.slotTicket;
    if (!ticket || ticket.urgent) return;
    ticket.cancelled = true;
    const promoted: SlotTicket = { user, urgent: true, cancelled: false };
    user.slotTicket = promoted;
    this.urgent.push(promoted);
  }

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting;
  }

  private next(): void {
    while (this.running < this.limit) {
      const ticket = this.urgent.take() ?? this.ordinary.take();
      if (!ticket) return;
      ticket.user.slotTicket = null;
      this.waiting--;
      this.running++;
      let done: Promise<void>;
      try {
        done = ticket.user.runSlot();
      } catch {
        done = Promise.resolve();
      }
      done.then(this.release, this.release);
    }
  }
}
