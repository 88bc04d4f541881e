import { describe, expect, it } from 'vitest';
import { BodyRing } from './body-ring.js';

const bytes = (text: string): Uint8Array => Buffer.from(text);
const text = (body: Uint8Array | null): string | null => (body === null ? null : Buffer.from(body).toString());

/** Writes `bodies` into slots 0, 1, … in turn, as the stream viewer does. */
function writeInTurn(ring: BodyRing, slots: number, bodies: string[], from = 0): void {
  bodies.forEach((body, i) => ring.put((from + i) % slots, bytes(body)));
}

describe('BodyRing', () => {
  it('gives back each slot its own copy, not a view of what was read', () => {
    const ring = new BodyRing(3, 1000);
    const read = bytes('{"outputs":[1,2]}');
    ring.put(0, read);
    read.fill(0);
    ring.put(1, null);
    ring.put(2, bytes(''));
    expect([0, 1, 2].map((slot) => text(ring.get(slot)))).toEqual(['{"outputs":[1,2]}', null, '']);
  });

  it('keeps the newest body of every slot through many rounds of bodies of changing sizes', () => {
    const ring = new BodyRing(5, 5 * 64);
    const sizes = [40, 3, 64, 17, 60, 1, 55, 29, 64, 8, 33];
    const written: string[] = [];
    for (let n = 0; n < 400; n++) {
      const body = String.fromCharCode(97 + (n % 26)).repeat(sizes[n % sizes.length]);
      ring.put(n % 5, bytes(body));
      written[n % 5] = body;
      for (let slot = 0; slot < 5 && slot <= n; slot++) expect(text(ring.get(slot))).toBe(written[slot]);
    }
    expect(ring.capacity).toBeLessThanOrEqual(5 * 64);
  });

  it('stops growing once it has the room: bodies of the same sizes again allocate nothing', () => {
    const ring = new BodyRing(5, 100_000);
    const round = ['a'.repeat(1500), 'b'.repeat(300), 'c'.repeat(2200), 'd'.repeat(40), 'e'.repeat(900), 'f'.repeat(1200), 'g'.repeat(700)];
    writeInTurn(ring, 5, [...round, ...round]);
    const room = ring.capacity;
    const buffer = ring.get(0)!.buffer;
    for (let n = 0; n < 50; n++) writeInTurn(ring, 5, round, (n + 2) * round.length);
    expect(ring.get(0)!.buffer).toBe(buffer);
    expect(ring.capacity).toBe(room);
    // Room for the five largest with a quarter spare at most, rounded to a kilobyte.
    expect(room).toBeLessThanOrEqual(Math.ceil(((1500 + 2200 + 900 + 1200 + 700) * 1.25) / 1024) * 1024);
  });

  it('lets the oldest bodies go when the newest no longer fit in the largest buffer', () => {
    const ring = new BodyRing(3, 100);
    writeInTurn(ring, 3, ['a'.repeat(30), 'b'.repeat(30), 'c'.repeat(30)]);
    ring.put(0, bytes('d'.repeat(50)));
    // Slot 1 held the oldest body left; slot 2 the one before the newest.
    expect([text(ring.get(0)), ring.get(1), text(ring.get(2))]).toEqual(['d'.repeat(50), null, 'c'.repeat(30)]);
    ring.put(1, bytes('e'.repeat(100)));
    expect([ring.get(0), text(ring.get(1)), ring.get(2)]).toEqual([null, 'e'.repeat(100), null]);
    expect(ring.capacity).toBe(100);
  });

  it('cuts a body longer than the whole buffer may be', () => {
    const ring = new BodyRing(2, 10);
    ring.put(0, bytes('0123456789abcdef'));
    expect(text(ring.get(0))).toBe('0123456789');
  });
});
