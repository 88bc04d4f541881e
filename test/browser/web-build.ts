/**
 * The browser tests drive the UI Tally really serves (web/dist). It is rebuilt here when
 * missing or older than its sources, so a test never runs against a stale UI.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = fileURLToPath(new URL('../../web/', import.meta.url));

function newestSource(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path)
    .filter((name) => !name.endsWith('.test.ts'))
    .reduce((newest, name) => Math.max(newest, newestSource(join(path, name))), 0);
}

export async function ensureWebBuilt(): Promise<void> {
  const built = join(WEB, 'dist', 'index.html');
  const sources = Math.max(newestSource(join(WEB, 'src')), newestSource(join(WEB, 'index.html')), newestSource(join(WEB, 'vite.config.ts')));
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  const { build } = await import('vite');
  await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn' });
}
