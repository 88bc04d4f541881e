/**
 * When the trend engine writes each open rollup bucket (its checkpoint). An open bucket
 * changes with every point, so it is written at most once per checkpoint period; a crash
 * loses at most that period of its samples.
 *
 * Not all at once: every trended series has three open buckets, and writing them all at one
 * moment was one batch of 122,000 buckets a minute at 3,000 StreamHubs (about 420,000 at 10,000):
 * 70 to 600 ms of the event loop to hand it to the write thread, and the write thread busy
 * with it for longer still, holding up the audit records operators wait for (bench/README.md,
 * round 7). Each series has its own moment in the period, and its open buckets are written
 * at the first such moment after they changed, so the period's writes are spread over all
 * of it and a bucket that keeps changing is still written once a period.
 *
 * A wheel of slots holds them by due time: a flush visits only the slots that came due.
 */
export interface Checkpointed {
  /** Changed since last written. Cleared by whoever writes it (a closing bucket is written at once). */
  dirty: boolean;
  /** The slot of the wheel it is to be written in (epoch ms / slot length, whole). */
  dueSlot: number;
}

/** Slots per checkpoint period: a flush a second writes about a sixtieth of the open buckets. */
export const SLOTS_PER_PERIOD = 60;
/** More slots than a period spans, so an item is never due in the slot being emptied. */
const WHEEL_SLOTS = 64;
const GOLDEN_RATIO_FRACTION = 0.6180339887498949;
/**
 * Consecutive series share their moment, so that a flush's open buckets sit together in the
 * rollup table and rewrite few pages. How many matters: at 3,000 StreamHubs Tally wrote
 * 7.9–8.5 MB/s to disk with every bucket written at once, 9.3–9.8 MB/s with blocks of 32
 * series and 8.1 MB/s with blocks of 512 (bench/README.md, round 7).
 */
export const SERIES_PER_BLOCK = 512;

/** A series' moment in the period (0..1): blocks of series spread evenly. */
export function phaseOf(seriesId: number): number {
  return (Math.floor(seriesId / SERIES_PER_BLOCK) * GOLDEN_RATIO_FRACTION) % 1;
}

export class CheckpointWheel<T extends Checkpointed> {
  private readonly slotMs: number;
  private readonly slots: T[][] = Array.from({ length: WHEEL_SLOTS }, () => []);
  /** The last slot (absolute: epoch ms / slotMs) emptied. */
  private emptied: number;
  /** Entries held, stale ones (written meanwhile) included until their slot is emptied. */
  private held = 0;

  constructor(periodMs: number, now: number) {
    this.slotMs = Math.max(1, periodMs / SLOTS_PER_PERIOD);
    this.emptied = Math.floor(now / this.slotMs);
  }

  /** Something still waits for its checkpoint (the engine keeps its flush timer running). */
  get waiting(): boolean {
    return this.held > 0;
  }

  /**
   * Marks a clean item dirty and due at its series' own moment of the period (phase 0..1),
   * the next one to come: so a bucket that keeps changing is written once a period, and
   * never more than a period after it changed.
   */
  schedule(item: T, phase: number, now: number): void {
    item.dirty = true;
    // Counted in slots, and always ahead of the current one: a slot is emptied once, and an
    // item dirtied in its moment's own slot (just written, say) waits for the next period.
    const current = Math.floor(now / this.slotMs);
    const momentSlot = Math.floor(phase * SLOTS_PER_PERIOD);
    const ahead = (((momentSlot - current) % SLOTS_PER_PERIOD) + SLOTS_PER_PERIOD) % SLOTS_PER_PERIOD || SLOTS_PER_PERIOD;
    item.dueSlot = current + ahead;
    this.slots[item.dueSlot % WHEEL_SLOTS].push(item);
    this.held++;
  }

  /** Hands over every dirty item due by `now` (every dirty one with `all`), marked clean. */
  takeDue(now: number, all: boolean, take: (item: T) => void): void {
    const current = Math.floor(now / this.slotMs);
    const dueBy = all ? Infinity : current;
    // After a long quiet spell every slot is visited once, not once per slot that passed.
    const first = all ? current - WHEEL_SLOTS + 1 : Math.max(this.emptied + 1, current - WHEEL_SLOTS + 1);
    for (let slot = first; slot <= current; slot++) this.empty(slot % WHEEL_SLOTS, dueBy, take);
    this.emptied = Math.max(this.emptied, current);
  }

  private empty(index: number, dueBy: number, take: (item: T) => void): void {
    const entries = this.slots[index];
    let kept = 0;
    for (const item of entries) {
      // Written meanwhile (its bucket closed), or dirtied again since and listed in another slot.
      if (!item.dirty || item.dueSlot % WHEEL_SLOTS !== index) continue;
      if (item.dueSlot > dueBy) {
        entries[kept++] = item;
        continue;
      }
      item.dirty = false;
      take(item);
    }
    this.held -= entries.length - kept;
    entries.length = kept;
  }
}
