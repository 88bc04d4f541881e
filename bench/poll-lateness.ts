/**
 * Poll cycle lateness and missed cycles as the device sees them. Tally polls at a fixed
 * rate from each group's due time, so the arrivals of one periodic request at one device
 * sit on a grid `interval` apart; how far each arrival lies behind the least late one is
 * its lateness, and a grid slot without an arrival is a missed cycle.
 */
export interface LatenessFigures {
  /** Lateness of every arrival, ms. */
  lateness: number[];
  missed: number;
  polls: number;
}

/** `arrivals`: sorted epoch-ms arrival times of one device's periodic request. */
export function cycleLateness(arrivals: readonly number[], intervalMs: number, from: number, to: number): LatenessFigures {
  const inWindow = arrivals.filter((at) => at >= from && at <= to);
  if (inWindow.length === 0) return { lateness: [], missed: Math.floor((to - from) / intervalMs), polls: 0 };
  const reference = inWindow[0];
  const slots: number[] = [];
  const offsets: number[] = [];
  let previousSlot = -1;
  for (const at of inWindow) {
    const slot = Math.round((at - reference) / intervalMs);
    // A second arrival in the same slot is an extra poll (after a recovery), not a cycle.
    if (slot === previousSlot) continue;
    slots.push(slot);
    offsets.push(at - reference - slot * intervalMs);
    previousSlot = slot;
  }
  const earliest = Math.min(...offsets);
  let missed = 0;
  for (let i = 1; i < slots.length; i++) missed += slots[i] - slots[i - 1] - 1;
  // Slots before the first and after the last arrival that fall inside the window.
  const gridStart = reference + earliest;
  missed += Math.max(0, Math.floor((gridStart - from) / intervalMs));
  const lastSlotAt = gridStart + slots[slots.length - 1] * intervalMs;
  missed += Math.max(0, Math.floor((to - lastSlotAt) / intervalMs) - 1);
  return { lateness: offsets.map((offset) => offset - earliest), missed, polls: slots.length };
}
