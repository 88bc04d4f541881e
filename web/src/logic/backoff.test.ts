import { describe, expect, it } from 'vitest';
import { reconnectDelay } from './backoff.js';

describe('reconnect backoff', () => {
  it('doubles up to the cap, with jitter in the upper half', () => {
    expect(reconnectDelay(0, () => 0)).toBe(250);
    expect(reconnectDelay(0, () => 1)).toBe(500);
    expect(reconnectDelay(3, () => 1)).toBe(4000);
    expect(reconnectDelay(30, () => 1)).toBe(15_000);
    expect(reconnectDelay(30, () => 0)).toBe(7_500);
  });
});
