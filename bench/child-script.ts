/**
 * Starts a bench script or Tally's CLI as a child process, compiled or from source: run
 * from dist/ (npm run bench) the children are plain .js; run through tsx they are .ts
 * and need the tsx loader too.
 */
import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const fromSource = import.meta.url.endsWith('.ts');
const extension = fromSource ? '.ts' : '.js';

/** A file of the repository, given relative to the repository root without extension. */
export function repositoryScript(pathWithoutExtension: string): string {
  // bench/ sits at the root of the repository, and dist/bench/ at the root of dist/.
  const root = new URL('../', import.meta.url);
  const file = fileURLToPath(new URL(pathWithoutExtension + extension, root));
  if (!existsSync(file)) throw new Error(`${file} is missing${fromSource ? '' : ': run npm run build'}`);
  return file;
}

/** Forks a repository script with an IPC channel. */
export function forkScript(pathWithoutExtension: string, args: string[], options: ForkOptions & { nodeFlags?: string[] } = {}): ChildProcess {
  const { nodeFlags = [], ...forkOptions } = options;
  return fork(repositoryScript(pathWithoutExtension), args, {
    ...forkOptions,
    execArgv: [...(fromSource ? ['--import', 'tsx'] : []), ...nodeFlags],
  });
}
