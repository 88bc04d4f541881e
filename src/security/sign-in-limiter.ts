/**
 * Slows down password guessing: failed sign-ins are counted in a sliding window per user and
 * address (one person mistyping) and per address (one machine trying many users). Kept in
 * memory: a restart forgets the counts, which costs an attacker a restart of our process.
 */

export interface SignInLimiterOptions {
  /** Failures allowed for one user from one address within the window (default 5). */
  maxPerUserAndAddress?: number;
  /** Failures allowed from one address, whatever the user, within the window (default 20). */
  maxPerAddress?: number;
  /** The sliding window, ms (default 15 minutes). */
  windowMs?: number;
  /** Most keys remembered; the least recently failed are forgotten first (default 10,000). */
  maxKeys?: number;
}

export interface SignInVerdict {
  blocked: boolean;
  /** Seconds until the next attempt may be made; 0 when not blocked. */
  retryAfterSeconds: number;
}

export class SignInLimiter {
  private readonly maxPerUserAndAddress: number;
  private readonly maxPerAddress: number;
  private readonly windowMs: number;
  private readonly maxKeys: number;
  /** Failure times per key, oldest first; Map order is least recently failed first. */
  private readonly failures = new Map<string, number[]>();

  constructor(options: SignInLimiterOptions = {}) {
    this.maxPerUserAndAddress = options.maxPerUserAndAddress ?? 5;
    this.maxPerAddress = options.maxPerAddress ?? 20;
    this.windowMs = options.windowMs ?? 15 * 60 * 1000;
    this.maxKeys = options.maxKeys ?? 10_000;
  }

  isBlocked(username: string, address: string): SignInVerdict {
    const now = Date.now();
    const waitMs = Math.max(
      this.waitMs(userKey(username, address), this.maxPerUserAndAddress, now),
      this.waitMs(addressKey(address), this.maxPerAddress, now),
    );
    return { blocked: waitMs > 0, retryAfterSeconds: Math.ceil(waitMs / 1000) };
  }

  recordFailure(username: string, address: string): void {
    const now = Date.now();
    this.push(userKey(username, address), this.maxPerUserAndAddress, now);
    this.push(addressKey(address), this.maxPerAddress, now);
  }

  /** A right password clears that user's count from that address; the address count stays. */
  recordSuccess(username: string, address: string): void {
    this.failures.delete(userKey(username, address));
  }

  /** Keys currently remembered (for tests and metrics). */
  get size(): number {
    return this.failures.size;
  }

  private waitMs(key: string, max: number, now: number): number {
    const times = this.recent(key, now);
    if (!times || times.length < max) return 0;
    // Blocked until enough of the oldest failures leave the window.
    return times[times.length - max] + this.windowMs - now;
  }

  private push(key: string, max: number, now: number): void {
    const times = this.recent(key, now) ?? [];
    times.push(now);
    // Only the newest `max` failures decide a block; older ones need not be kept.
    if (times.length > max) times.splice(0, times.length - max);
    this.failures.delete(key);
    this.failures.set(key, times);
    for (const oldest of this.failures.keys()) {
      if (this.failures.size <= this.maxKeys) break;
      this.failures.delete(oldest);
    }
  }

  /** The key's failures still within the window; forgets the key when none are. */
  private recent(key: string, now: number): number[] | undefined {
    const times = this.failures.get(key);
    if (!times) return undefined;
    const firstRecent = times.findIndex((time) => time > now - this.windowMs);
    if (firstRecent === -1) {
      this.failures.delete(key);
      return undefined;
    }
    if (firstRecent > 0) times.splice(0, firstRecent);
    return times;
  }
}

function userKey(username: string, address: string): string {
  return `u\u0000${String(username).toLowerCase()}\u0000${address}`;
}

function addressKey(address: string): string {
  return `a\u0000${address}`;
}
