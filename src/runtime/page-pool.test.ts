import { describe, expect, it } from 'vitest';
import { NO_PAGE, PAGE_BYTES, PagePool } from './page-pool.js';

function chain(pool: PagePool, first: number): number[] {
  const pages: number[] = [];
  for (let page = first; page !== NO_PAGE; page = pool.next(page)) pages.push(page);
  return pages;
}

describe('PagePool', () => {
  it('lends chains of distinct pages, each its own room in a slab', () => {
    const pool = new PagePool();
    const chains = [3, 1, 7].map((count) => chain(pool, pool.take(count)));
    expect(chains.map((pages) => pages.length)).toEqual([3, 1, 7]);
    const all = chains.flat();
    expect(new Set(all).size).toBe(all.length);
    const rooms = new Set(all.map((page) => `${pool.slabOf(page) === pool.slabOf(all[0])}:${pool.offsetOf(page)}`));
    expect(rooms.size).toBe(all.length);
    expect(pool.bytesInUse).toBe(11 * PAGE_BYTES);
  });

  it('makes a chain from a fresh slab one run of memory, and gives it back as one', () => {
    const pool = new PagePool();
    const pages = chain(pool, pool.take(6));
    expect(pages.map((page) => page - pages[0])).toEqual([0, 1, 2, 3, 4, 5]);
    expect(pages.map((page) => pool.adjoins(page))).toEqual([true, true, true, true, true, false]);
    pool.release(pages[0]);
    expect(chain(pool, pool.take(6))).toEqual(pages);
  });

  it('lends pages given back before it grows, and grows by whole slabs when it must', () => {
    const pool = new PagePool();
    const first = pool.take(10);
    const slab = pool.bytesHeld;
    pool.release(first);
    expect(pool.bytesInUse).toBe(0);
    pool.take(10);
    expect(pool.bytesHeld).toBe(slab);
    const many = pool.take(slab / PAGE_BYTES + 5);
    expect(pool.bytesHeld).toBe(2 * slab);
    expect(chain(pool, many)).toHaveLength(slab / PAGE_BYTES + 5);
    // A chain across slabs: its pages are in both.
    expect(new Set(chain(pool, many).map((page) => pool.slabOf(page))).size).toBe(2);
  });
});
