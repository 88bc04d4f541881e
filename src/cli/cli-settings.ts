/** Where Tally listens and keeps its data: command-line options beat the environment. */
import { resolve } from 'node:path';
import { DEFAULT_HOST, DEFAULT_PORT } from '../app/create-tally.js';
import { UsageError } from './usage-error.js';

export const DEFAULT_DATA_DIR = './data';

export interface ServeSettings {
  host: string;
  port: number;
  dataDir: string;
}

export interface ServeFlags {
  host?: string;
  port?: string;
  'data-dir'?: string;
}

export function resolveSettings(flags: ServeFlags, env: NodeJS.ProcessEnv): ServeSettings {
  return {
    host: flags.host ?? env.TALLY_HOST ?? DEFAULT_HOST,
    port: parsePort(flags.port ?? env.TALLY_PORT, DEFAULT_PORT),
    dataDir: resolve(flags['data-dir'] ?? env.TALLY_DATA_DIR ?? DEFAULT_DATA_DIR),
  };
}

/** A port number 0–65535 (0: any free port), or the fallback when none is given. */
export function parsePort(text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not "${text}"`);
  return port;
}

/** Options shared by the commands that start Tally, for parseArgs. */
export const SERVE_OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  'data-dir': { type: 'string' },
} as const;
