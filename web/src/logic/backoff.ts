/**
 * Delay before reconnect attempt n (0-based): doubling from `base`, capped, with jitter so
 * many screens that lost Tally together do not all come back in the same millisecond.
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random, base = 500, cap = 15_000): number {
  const ceiling = Math.min(cap, base * 2 ** Math.min(attempt, 16));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
