import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SignInLimiter } from './sign-in-limiter.js';

const MINUTE = 60_000;

describe('SignInLimiter', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('blocks a user from an address after 5 failures in 15 minutes, until the oldest leaves the window', () => {
    const limiter = new SignInLimiter();
    for (let i = 0; i < 4; i++) {
      limiter.recordFailure('alice', '10.0.0.1');
      vi.advanceTimersByTime(MINUTE);
    }
    expect(limiter.isBlocked('alice', '10.0.0.1')).toEqual({ blocked: false, retryAfterSeconds: 0 });
    limiter.recordFailure('alice', '10.0.0.1');
    expect(limiter.isBlocked('alice', '10.0.0.1')).toEqual({ blocked: true, retryAfterSeconds: 11 * 60 });
    expect(limiter.isBlocked('ALICE', '10.0.0.1').blocked).toBe(true);
    expect(limiter.isBlocked('alice', '10.0.0.2').blocked).toBe(false);
    expect(limiter.isBlocked('bob', '10.0.0.1').blocked).toBe(false);

    vi.advanceTimersByTime(11 * MINUTE - 1);
    expect(limiter.isBlocked('alice', '10.0.0.1').blocked).toBe(true);
    vi.advanceTimersByTime(1);
    expect(limiter.isBlocked('alice', '10.0.0.1')).toEqual({ blocked: false, retryAfterSeconds: 0 });
    // The window slides: one more failure blocks again, because four are still recent.
    limiter.recordFailure('alice', '10.0.0.1');
    expect(limiter.isBlocked('alice', '10.0.0.1').blocked).toBe(true);
  });

  it('clears a user’s count from an address on success', () => {
    const limiter = new SignInLimiter();
    for (let i = 0; i < 4; i++) limiter.recordFailure('alice', '10.0.0.1');
    limiter.recordSuccess('alice', '10.0.0.1');
    for (let i = 0; i < 4; i++) limiter.recordFailure('alice', '10.0.0.1');
    expect(limiter.isBlocked('alice', '10.0.0.1').blocked).toBe(false);
  });

  it('blocks an address trying many users after 20 failures', () => {
    const limiter = new SignInLimiter();
    for (let i = 0; i < 19; i++) limiter.recordFailure(`user${i}`, '10.6.6.6');
    expect(limiter.isBlocked('someone-new', '10.6.6.6').blocked).toBe(false);
    limiter.recordFailure('user19', '10.6.6.6');
    expect(limiter.isBlocked('someone-new', '10.6.6.6')).toEqual({ blocked: true, retryAfterSeconds: 15 * 60 });
    // A success for one user does not lift the block on the address.
    limiter.recordSuccess('user0', '10.6.6.6');
    expect(limiter.isBlocked('user0', '10.6.6.6').blocked).toBe(true);
    expect(limiter.isBlocked('someone-new', '10.0.0.9').blocked).toBe(false);
  });

  it('keeps memory bounded whatever the number of addresses', () => {
    const limiter = new SignInLimiter({ maxKeys: 100 });
    for (let i = 0; i < 10_000; i++) limiter.recordFailure('alice', `10.0.${i >> 8}.${i & 255}`);
    expect(limiter.size).toBeLessThanOrEqual(100);
    // The most recent attacker is still remembered.
    for (let i = 0; i < 4; i++) limiter.recordFailure('alice', '10.0.39.15');
    expect(limiter.isBlocked('alice', '10.0.39.15').blocked).toBe(true);
  });

  it('forgets failures that left the window', () => {
    const limiter = new SignInLimiter({ windowMs: MINUTE });
    limiter.recordFailure('alice', '10.0.0.1');
    vi.advanceTimersByTime(MINUTE);
    expect(limiter.isBlocked('alice', '10.0.0.1').blocked).toBe(false);
    expect(limiter.size).toBe(0);
  });
});
