import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite-store.js';

const here = dirname(fileURLToPath(import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs the child until it reports `atLeast` committed batches, then kills it with SIGKILL. */
function writeThenKill(dbPath: string, atLeast: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'crash-writer-child.ts'), dbPath, 'enc-1'], {
      cwd: join(here, '../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lastCommitted = 0;
    let buffered = '';
    let stderr = '';
    const deadline = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^committed (\d+)$/.exec(line);
        if (match) lastCommitted = Number(match[1]);
      }
      if (lastCommitted >= atLeast) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      clearTimeout(deadline);
      if (signal !== 'SIGKILL' || lastCommitted < atLeast) {
        reject(new Error(`child ended (${signal}) after ${lastCommitted} batches: ${stderr}`));
      } else resolve(lastCommitted);
    });
  });
}

it('keeps every batch it reported committed when the process is killed with SIGKILL', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-crash-'));
  dirs.push(dir);
  const dbPath = join(dir, 'tally.db');
  const reported = await writeThenKill(dbPath, 300);

  const store = SqliteStore.open(dbPath);
  const times = (store.db.prepare("SELECT time FROM info_events WHERE element_id = 'enc-1'").all() as { time: number }[]).map(
    (row) => row.time,
  );
  const committed = new Set(times);
  for (let n = 1; n <= reported; n++) expect(committed.has(n), `batch ${n}`).toBe(true);

  // Batches are atomic: the counter, the rows and the newest event come from the same batch.
  const newest = times.reduce((max, time) => Math.max(max, time), 0);
  expect(newest).toBeGreaterThanOrEqual(reported);
  expect(committed.size).toBe(newest);
  expect(times).toHaveLength(newest);
  const { params, rows } = await store.loadValues('enc-1');
  expect(params).toEqual([{ elementId: 'enc-1', paramId: 'counter', value: newest, updatedAt: newest }]);
  expect(rows).toHaveLength(20);
  expect(rows.every((row) => row.cells.n === newest)).toBe(true);
  await store.close();
});
