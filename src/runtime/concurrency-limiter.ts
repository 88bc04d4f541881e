/**
 * Elements run in parallel, but at most `limit` at once across the process: a burst of
 * 10,000 polls must not open 10,000 sockets nor starve the event loop. Waiting elements are
 * served first come, first served; an element re-submits after each item of work, so one
 * busy element cannot hold a slot while others wait.
 *
 * Operator work must not wait behind thousands of other elements' polls, so there are two
 * lanes: an element whose next work is an operator's goes in the urgent lane, served first,
 * and an element already waiting in the ordinary lane is moved there when such work arrives.
 *
 * The limit can move while work runs (adaptive-concurrency.ts moves it); for that the limiter
 * reports how long the oldest user has waited, how many slots were in use on average, and how
 * many rounds of polls were lost while their element waited for a slot.
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
  /** When its user started to wait (the limiter's clock, ms). */
  since: number;
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

  /** When the longest-waiting valid ticket started to wait; Infinity when none waits. */
  oldestSince(): number {
    for (let index = this.head; index < this.items.length; index++) {
      if (!this.items[index].cancelled) return this.items[index].since;
    }
    return Infinity;
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
  private currentLimit: number;
  private readonly urgent = new Lane();
  private readonly ordinary = new Lane();
  // Slots in use integrated over time (slot·ms) since the last reading, for the average.
  private usedIntegral = 0;
  private missedRounds = 0;
  private integratedUpTo: number;
  private readingSince: number;
  private readonly release = (): void => {
    this.countUse();
    this.running--;
    this.next();
  };

  constructor(
    limit: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.currentLimit = checkedLimit(limit);
    this.integratedUpTo = this.readingSince = now();
  }

  get limit(): number {
    return this.currentLimit;
  }

  /** Moves the limit: a higher one starts waiting users at once, a lower one lets running work finish. */
  setLimit(limit: number): void {
    this.currentLimit = checkedLimit(limit);
    this.next();
  }

  /** Waits for a slot; `urgent` for operator work. A user waits at most once at a time. */
  submit(user: SlotUser, urgent = false): void {
    if (user.slotTicket) {
      if (urgent) this.promote(user);
      return;
    }
    const ticket: SlotTicket = { user, urgent, cancelled: false, since: this.now() };
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
    const promoted: SlotTicket = { user, urgent: true, cancelled: false, since: ticket.since };
    user.slotTicket = promoted;
    this.urgent.push(promoted);
  }

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting;
  }

  /** How long the user waiting longest has waited (ms); 0 when nobody waits. */
  oldestWaitMs(): number {
    const since = Math.min(this.urgent.oldestSince(), this.ordinary.oldestSince());
    return since === Infinity ? 0 : Math.max(0, this.now() - since);
  }

  /** A poll came due again while its element still waited for a slot with the last round. */
  countMissedRound(): void {
    this.missedRounds++;
  }

  /** Rounds missed for want of a slot since the last call. */
  takeMissedRounds(): number {
    const missed = this.missedRounds;
    this.missedRounds = 0;
    return missed;
  }

  /** The average number of slots in use since the last call (or since the limiter was made). */
  takeAverageInUse(): number {
    this.countUse();
    const elapsed = this.integratedUpTo - this.readingSince;
    const average = elapsed > 0 ? this.usedIntegral / elapsed : this.running;
    this.usedIntegral = 0;
    this.readingSince = this.integratedUpTo;
    return average;
  }

  private countUse(): void {
    const now = this.now();
    this.usedIntegral += this.running * (now - this.integratedUpTo);
    this.integratedUpTo = now;
  }

  private next(): void {
    while (this.running < this.currentLimit) {
      const ticket = this.urgent.take() ?? this.ordinary.take();
      if (!ticket) return;
      ticket.user.slotTicket = null;
      this.waiting--;
      this.countUse();
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

function checkedLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) throw new Error('concurrency limit must be a positive integer');
  return limit;
}
