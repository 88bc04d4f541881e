import { describe, expect, it } from 'vitest';
import { DetailRing } from './detail-ring.js';

const bytes = (text: string): Uint8Array => Buffer.from(text);

/** Writes one-part records into slots 0, 1, … in turn, as the stream viewer does. */
function writeInTurn(ring: DetailRing, slots: number, bodies: string[], from = 0): void {
  bodies.forEach((body, i) => ring.put((from + i) % slots, [bytes(body)]));
}

/** The buffer under the ring, to tell whether it was replaced. */
function bufferOf(ring: DetailRing): unknown {
  return (ring as unknown as { bytes: Buffer }).bytes;
}

describe('DetailRing', () => {
  it('gives back each part of each record, copied rather than referenced', () => {
    const ring = new DetailRing(2, 4, 1000);
    const read = bytes('{"outputs":[1,2]}');
    ring.put(0, ['accept:application/json', null, 'content-type:application/json\nétat:prêt', read]);
    read.fill(0);
    ring.put(1, ['', '{"play":true}', '', bytes('')]);
    expect([0, 1, 2, 3].map((part) => ring.text(0, part))).toEqual(['accept:application/json', null, 'content-type:application/json\nétat:prêt', '{"outputs":[1,2]}']);
    expect([0, 1, 2, 3].map((part) => ring.text(1, part))).toEqual(['', '{"play":true}', '', '']);
    expect([ring.length(0, 1), ring.length(0, 2), ring.length(1, 3)]).toEqual([-1, Buffer.byteLength('content-type:application/json\nétat:prêt'), 0]);
  });

  it('keeps the newest record of every slot through many rounds of records of changing sizes', () => {
    const ring = new DetailRing(5, 2, 5 * 64);
    const sizes = [40, 3, 64, 17, 60, 1, 55, 29, 64, 8, 33];
    const written: string[][] = [];
    for (let n = 0; n < 400; n++) {
      const letter = String.fromCharCode(97 + (n % 26));
      const record = [letter.repeat(sizes[n % sizes.length] % 7), letter.toUpperCase().repeat(sizes[(n + 3) % sizes.length] - (sizes[n % sizes.length] % 7))];
      ring.put(n % 5, record.map((part) => (n % 2 ? bytes(part) : part)));
      written[n % 5] = record;
      for (let slot = 0; slot < 5 && slot <= n; slot++) expect([ring.text(slot, 0), ring.text(slot, 1)]).toEqual(written[slot]);
    }
    expect(ring.capacity).toBeLessThanOrEqual(5 * 64);
  });

  it('stops growing once it has the room: records of the same sizes again allocate nothing', () => {
    const ring = new DetailRing(5, 1, 100_000);
    const round = ['a'.repeat(1500), 'b'.repeat(300), 'c'.repeat(2200), 'd'.repeat(40), 'e'.repeat(900), 'f'.repeat(1200), 'g'.repeat(700)];
    writeInTurn(ring, 5, [...round, ...round]);
    const room = ring.capacity;
    const buffer = bufferOf(ring);
    for (let n = 0; n < 50; n++) writeInTurn(ring, 5, round, (n + 2) * round.length);
    expect(bufferOf(ring)).toBe(buffer);
    expect(ring.capacity).toBe(room);
    // Room for the five largest with a quarter spare at most, rounded to a kilobyte.
    expect(room).toBeLessThanOrEqual(Math.ceil(((1500 + 2200 + 900 + 1200 + 700) * 1.25) / 1024) * 1024);
  });

  it('lets the oldest records go when the newest no longer fit in the largest buffer', () => {
    const ring = new DetailRing(3, 1, 100);
    writeInTurn(ring, 3, ['a'.repeat(30), 'b'.repeat(30), 'c'.repeat(30)]);
    ring.put(0, ['d'.repeat(50)]);
    // Slot 1 held the oldest record left; slot 2 the one before the newest.
    expect([ring.text(0, 0), ring.has(1), ring.text(2, 0)]).toEqual(['d'.repeat(50), false, 'c'.repeat(30)]);
    ring.put(1, [bytes('e'.repeat(100))]);
    expect([ring.has(0), ring.text(1, 0), ring.has(2)]).toEqual([false, 'e'.repeat(100), false]);
    expect([ring.text(0, 0), ring.length(0, 0)]).toEqual([null, -1]);
    expect(ring.capacity).toBe(100);
  });

  it('gives back the room one large answer took once the answers are small again', () => {
    const ring = new DetailRing(5, 1, 1_000_000);
    writeInTurn(ring, 5, ['x'.repeat(100_000), ...Array.from({ length: 4 }, () => 'y'.repeat(500))]);
    expect(ring.capacity).toBeGreaterThan(100_000);
    // Small answers go on after the large one until they come round to the start of the buffer.
    writeInTurn(ring, 5, Array.from({ length: 300 }, (_, i) => String(i % 10).repeat(500)), 5);
    expect(ring.capacity).toBeLessThanOrEqual(4096);
    expect(ring.text(4, 0)).toBe('9'.repeat(500));
  });

  it('refuses a record larger than the whole buffer may be', () => {
    const ring = new DetailRing(2, 2, 10);
    expect(() => ring.put(0, ['0123456', bytes('789ab')])).toThrow(RangeError);
  });
});
