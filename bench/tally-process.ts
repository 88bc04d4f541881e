/**
 * Tally as an operator runs it: `tally start` in a process of its own, on a fresh data
 * directory, so its CPU and memory are measured alone (and `--cpu-prof` profiles only it).
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { forkScript } from './child-script.js';

export interface TallyProcess {
  child: ChildProcess;
  url: string;
  token: string;
  /** SIGINT (Tally flushes and exits cleanly; a CPU profile is written then), then waits. */
  stop(): Promise<void>;
}

export interface TallyOptions {
  dataDir: string;
  token: string;
  nodeFlags?: string[];
  env?: NodeJS.ProcessEnv;
  /** A file for what Tally prints once it runs (e.g. `--trace-gc` lines); dropped when absent. */
  stdoutFile?: string;
}

export async function startTally(options: TallyOptions): Promise<TallyProcess> {
  const child = forkScript('src/cli/main', ['start', '--host', '127.0.0.1', '--port', '0', '--data-dir', options.dataDir], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    nodeFlags: options.nodeFlags,
    env: { ...process.env, TALLY_ADMIN_TOKEN: options.token, TALLY_LOG_LEVEL: 'warn', ...options.env },
  });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString();
      const match = /Tally is running: (\S+)/.exec(seen);
      if (match) {
        child.stdout?.off('data', onData);
        if (options.stdoutFile) child.stdout?.pipe(createWriteStream(options.stdoutFile));
        else child.stdout?.resume();
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`Tally exited (${code}) before it listened: ${seen}`)));
  });
  return {
    child,
    url,
    token: options.token,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGINT');
      await exited;
    },
  };
}
