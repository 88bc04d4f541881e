import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseStall, scheduleStall } from '../bench/stall.js';

/** A child that prints a tick every 10 ms; each tick is stamped with when the bench heard it. */
function ticker() {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => process.stdout.write("."), 10)'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const heard: number[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    for (let i = 0; i < chunk.length; i++) heard.push(performance.now());
  });
  return { child, heard };
}

describe('bench stall', () => {
  it('reads --stall-at and --stall-for, refusing what makes no sense', () => {
    expect(parseStall(undefined, undefined)).toBeNull();
    expect(parseStall('30', undefined)).toEqual({ atMs: 30_000, forMs: 8_000 });
    expect(parseStall('0', '2.5')).toEqual({ atMs: 0, forMs: 2_500 });
    expect(() => parseStall(undefined, '5')).toThrow('--stall-for needs --stall-at');
    expect(() => parseStall('-1', undefined)).toThrow('--stall-at must be seconds from 0, not "-1"');
    expect(() => parseStall('', undefined)).toThrow('--stall-at must be seconds from 0, not ""');
    expect(() => parseStall('10', '0')).toThrow('--stall-for must be seconds above 0 and at most 600, not "0"');
    expect(() => parseStall('10', 'long')).toThrow('--stall-for must be seconds above 0 and at most 600, not "long"');
  });

  it('stops the process for the stall and continues it after', async () => {
    const { child, heard } = ticker();
    try {
      await new Promise((resolve) => child.stdout.once('data', resolve));
      const events: { event: string; at: number }[] = [];
      scheduleStall(child.pid!, { atMs: 100, forMs: 400 }, (event) => events.push({ event, at: performance.now() }));
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(events.map(({ event }) => event)).toEqual(['stopped', 'continued']);
      const [stopped, continued] = events.map(({ at }) => at);
      // Ticks already on their way may land just after the stop; none comes in the middle.
      expect(heard.filter((at) => at > stopped + 100 && at < continued - 50)).toEqual([]);
      expect(heard.filter((at) => at > continued + 50).length).toBeGreaterThan(5);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('continues a stopped process when the run ends before the stall does', async () => {
    const { child, heard } = ticker();
    try {
      await new Promise((resolve) => child.stdout.once('data', resolve));
      const events: string[] = [];
      const end = scheduleStall(child.pid!, { atMs: 0, forMs: 60_000 }, (event) => events.push(event));
      await new Promise((resolve) => setTimeout(resolve, 150));
      end();
      const ended = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(events).toEqual(['stopped', 'continued']);
      expect(heard.filter((at) => at > ended).length).toBeGreaterThan(5);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
