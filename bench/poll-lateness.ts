/**
 * Poll cycle lateness and missed cycles as the device sees them. Tally polls at a fixed
 * rate from each group's due time, so the arrivals of one periodic request at one device
 * sit on a grid `interval` apart. The grid is followed from arrival to arrival, and each
 * arrival's lateness is how far it lies behind the least late of the last
 * {@link LOCAL_CYCLES} cycles: a recovery re-phases an element's polls on purpose (they are
 * spread again), and measuring the rest of the run against the old phase would count that
 * as lateness for good. A grid slot without an arrival is a missed cycle.
 */
export interface LatenessFigures {
  /** Lateness of every arrival, ms. */
  lateness: number[];
  missed: number;
  polls: number;
}

/** A minute of cycles at the usual 10 s interval. */
export const LOCAL_CYCLES = 6;

/** `arrivals`: sorted epoch-ms arrival times of one device's periodic request. */
export function cycleLateness(arrivals: readonly number[], intervalMs: number, from: number, to: number): LatenessFigures {
  const inWindow = arrivals.filter((at) => at >= from && at <= to);
  if (inWindow.length === 0) return { lateness: [], missed: Math.floor((to - from) / intervalMs), polls: 0 };
  const first = inWindow[0];
  // Offset of each counted arrival from its slot on the grid through the first one.
  const offsets = [0];
  let slot = 0;
  let previous = first;
  let missed = edgeSlotsMissed(first - from, intervalMs);
  for (const at of inWindow.slice(1)) {
    const step = Math.round((at - previous) / intervalMs);
    // Less than half an interval after the one before: an extra poll (after a recovery), not a cycle.
    if (step === 0) continue;
    slot += step;
    missed += step - 1;
    offsets.push(at - first - slot * intervalMs);
    previous = at;
  }
  missed += edgeSlotsMissed(to - previous, intervalMs);
  const lateness = offsets.map((offset, i) => offset - Math.min(...offsets.slice(Math.max(0, i - LOCAL_CYCLES + 1), i + 1)));
  return { lateness, missed, polls: offsets.length };
}

/**
 * Slots missed between an edge of the window and the arrival nearest it, `gap` ms apart. An
 * arrival belongs to the slot within half an interval of it (as between arrivals above), so
 * a slot that close to the edge may have had its arrival just outside the window: only the
 * slots at least half an interval inside count. (Counting every slot inside counted a device
 * whose next poll came a few ms after the window ended as one that missed it.)
 */
function edgeSlotsMissed(gap: number, intervalMs: number): number {
  return Math.max(0, Math.floor(gap / intervalMs - 0.5));
}

/**
 * Adds each arrival to the count of the interval of the window it fell in (`counts[0]` is
 * the first `intervalMs` after `from`; arrivals outside the window are left out). Summed
 * over the devices, a run that keeps up counts one arrival per device in every whole interval.
 */
export function countByInterval(arrivals: readonly number[], intervalMs: number, from: number, counts: number[]): void {
  for (const at of arrivals) {
    const slice = Math.floor((at - from) / intervalMs);
    if (slice >= 0 && slice < counts.length) counts[slice]++;
  }
}
