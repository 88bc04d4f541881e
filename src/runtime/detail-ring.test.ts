import { describe, expect, it } from 'vitest';
import { DetailRing } from './detail-ring.js';
import { PAGE_BYTES, PagePool } from './page-pool.js';

const bytes = (text: string): Uint8Array => Buffer.from(text);
const pagesFor = (size: number): number => Math.ceil(size / PAGE_BYTES) * PAGE_BYTES;

/** Writes one-part records into slots 0, 1, … in turn, as the stream viewer does. */
function writeInTurn(ring: DetailRing, slots: number, bodies: string[], from = 0): void {
  bodies.forEach((body, i) => ring.put((from + i) % slots, [bytes(body)]));
}

describe('DetailRing', () => {
  it('gives back each part of each record, copied rather than referenced', () => {
    const ring = new DetailRing(2, 4, 1000, new PagePool());
    const read = bytes('{"outputs":[1,2]}');
    ring.put(0, ['accept:application/json', null, 'content-type:application/json\nétat:prêt', read]);
    read.fill(0);
    ring.put(1, ['', '{"play":true}', '', bytes('')]);
    expect([0, 1, 2, 3].map((part) => ring.text(0, part))).toEqual(['accept:application/json', null, 'content-type:application/json\nétat:prêt', '{"outputs":[1,2]}']);
    expect([0, 1, 2, 3].map((part) => ring.text(1, part))).toEqual(['', '{"play":true}', '', '']);
    expect([ring.length(0, 1), ring.length(0, 2), ring.length(1, 3)]).toEqual([-1, Buffer.byteLength('content-type:application/json\nétat:prêt'), 0]);
  });

  it('keeps parts that run over several pages, a character split between two among them', () => {
    const ring = new DetailRing(2, 3, 100_000, new PagePool());
    // 'é' is two bytes: with one byte before them, the 256th falls across the first page's end.
    const headers = `x${'é'.repeat(700)}`;
    const body = Buffer.from(Array.from({ length: 3000 }, (_, i) => String.fromCharCode(65 + (i % 26))).join(''));
    ring.put(0, [headers, null, body]);
    ring.put(1, [null, '', bytes('{}')]);
    expect([ring.text(0, 0), ring.text(0, 1), ring.text(0, 2)]).toEqual([headers, null, body.toString()]);
    expect([ring.text(1, 0), ring.text(1, 1), ring.text(1, 2)]).toEqual([null, '', '{}']);
    expect(ring.capacity).toBe(pagesFor(Buffer.byteLength(headers) + body.length) + PAGE_BYTES);
  });

  it('keeps the newest record of every slot through many rounds of records of changing sizes', () => {
    const pool = new PagePool();
    const ring = new DetailRing(5, 2, 5 * 640, pool);
    const sizes = [400, 30, 640, 170, 600, 10, 550, 290, 640, 80, 330];
    const written: string[][] = [];
    for (let n = 0; n < 400; n++) {
      const letter = String.fromCharCode(97 + (n % 26));
      const record = [letter.repeat(sizes[n % sizes.length] % 7), letter.toUpperCase().repeat(sizes[(n + 3) % sizes.length] - (sizes[n % sizes.length] % 7))];
      ring.put(n % 5, record.map((part) => (n % 2 ? bytes(part) : part)));
      written[n % 5] = record;
      for (let slot = 0; slot < 5 && slot <= n; slot++) expect([ring.text(slot, 0), ring.text(slot, 1)]).toEqual(written[slot]);
      // Each record holds the pages its bytes need and no more, and the pool lends nothing else.
      const held = written.reduce((sum, kept) => sum + pagesFor(kept.join('').length), 0);
      expect([ring.capacity, pool.bytesInUse]).toEqual([held, held]);
    }
  });

  it('takes no new memory once the pool has the room: records of the same sizes again reuse the pages let go', () => {
    const pool = new PagePool();
    const rings = [new DetailRing(5, 1, 100_000, pool), new DetailRing(5, 1, 100_000, pool)];
    const round = ['a'.repeat(1500), 'b'.repeat(300), 'c'.repeat(2200), 'd'.repeat(40), 'e'.repeat(900), 'f'.repeat(1200), 'g'.repeat(700)];
    for (const ring of rings) writeInTurn(ring, 5, [...round, ...round]);
    const held = pool.bytesHeld;
    for (let n = 0; n < 50; n++) for (const ring of rings) writeInTurn(ring, 5, round, (n + 2) * round.length);
    expect(pool.bytesHeld).toBe(held);
    // Pages given back in turns by two rings come back in no order: records still read whole.
    const last = round.slice(-5);
    for (const ring of rings) expect([0, 1, 2, 3, 4].map((i) => ring.text((52 * round.length - 5 + i) % 5, 0))).toEqual(last);
    // What a deleted element's ring held goes to the others.
    rings[0].close();
    const big = new DetailRing(5, 1, 100_000, pool);
    writeInTurn(big, 5, Array.from({ length: 5 }, () => 'z'.repeat(2000)));
    expect(pool.bytesHeld).toBe(held);
  });

  it('lets the oldest records go when the newest would hold more than the limit', () => {
    const ring = new DetailRing(3, 1, 100, new PagePool());
    writeInTurn(ring, 3, ['a'.repeat(30), 'b'.repeat(30), 'c'.repeat(30)]);
    ring.put(0, ['d'.repeat(50)]);
    // Slot 1 held the oldest record left; slot 2 the one before the newest.
    expect([ring.text(0, 0), ring.has(1), ring.text(2, 0)]).toEqual(['d'.repeat(50), false, 'c'.repeat(30)]);
    ring.put(1, [bytes('e'.repeat(100))]);
    expect([ring.has(0), ring.text(1, 0), ring.has(2)]).toEqual([false, 'e'.repeat(100), false]);
    expect([ring.text(0, 0), ring.length(0, 0)]).toEqual([null, -1]);
    expect(ring.capacity).toBe(PAGE_BYTES);
  });

  it('gives back the pages one large answer took once it goes', () => {
    const pool = new PagePool();
    const ring = new DetailRing(5, 1, 1_000_000, pool);
    writeInTurn(ring, 5, ['x'.repeat(100_000), ...Array.from({ length: 4 }, () => 'y'.repeat(500))]);
    expect(ring.capacity).toBe(pagesFor(100_000) + 4 * PAGE_BYTES);
    ring.put(0, [bytes('y'.repeat(500))]);
    expect([ring.capacity, pool.bytesInUse]).toEqual([5 * PAGE_BYTES, 5 * PAGE_BYTES]);
  });

  it('gives every page back when closed, and keeps nothing after', () => {
    const pool = new PagePool();
    const ring = new DetailRing(2, 1, 10_000, pool);
    writeInTurn(ring, 2, ['a'.repeat(2000), 'b'.repeat(700)]);
    ring.close();
    ring.put(0, ['late answer']);
    expect([pool.bytesInUse, ring.has(0), ring.has(1)]).toEqual([0, false, false]);
  });

  it('refuses a record larger than the whole ring may hold', () => {
    const ring = new DetailRing(2, 2, 10, new PagePool());
    expect(() => ring.put(0, ['0123456', bytes('789ab')])).toThrow(RangeError);
  });
});
