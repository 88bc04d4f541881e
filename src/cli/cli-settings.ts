/** Where Tally listens and keeps its data: command-line options beat the environment. */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { DEFAULT_HOST, DEFAULT_PORT } from '../app/create-tally.js';
import { MAX_POLL_CONCURRENCY } from '../runtime/adaptive-concurrency.js';
import { DEFAULT_CONCURRENCY } from '../runtime/element-manager.js';
import { UsageError } from './usage-error.js';
import { parseHeapGrowth } from './heap-growth.js';

export const DEFAULT_DATA_DIR = './data';

/** Most HTTP threads chosen by default: past a few, the event loop is the limit again. */
const MAX_DEFAULT_HTTP_THREADS = 4;

export interface ServeSettings {
  host: string;
  port: number;
  dataDir: string;
  httpThreads: number;
  /** Items of device work (a poll group's run, an operator's action) running at once across all elements. */
  pollConcurrency: number;
  /** See heap-growth.ts: 0 leaves V8 its own choice. */
  heapGrowthPercent: number;
}

export interface ServeFlags {
  host?: string;
  port?: string;
  'data-dir'?: string;
  'http-threads'?: string;
  'poll-concurrency'?: string;
  'heap-growth'?: string;
}

export function resolveSettings(flags: ServeFlags, env: NodeJS.ProcessEnv): ServeSettings {
  return {
    host: flags.host ?? env.TALLY_HOST ?? DEFAULT_HOST,
    port: parsePort(flags.port ?? env.TALLY_PORT, DEFAULT_PORT),
    dataDir: resolve(flags['data-dir'] ?? env.TALLY_DATA_DIR ?? DEFAULT_DATA_DIR),
    httpThreads: parseHttpThreads(flags['http-threads'] ?? env.TALLY_HTTP_THREADS),
    pollConcurrency: parsePollConcurrency(flags['poll-concurrency'] ?? env.TALLY_POLL_CONCURRENCY),
    heapGrowthPercent: parseHeapGrowth(flags['heap-growth'] ?? env.TALLY_HEAP_GROWTH),
  };
}

/**
 * Threads for the HTTP exchanges with devices, 0 for none (on the event loop). A thread
 * takes a quarter of the event loop's work per request but costs more CPU in all (each
 * exchange crosses threads twice), so it pays only where cores are to spare: by default one
 * core is left to the event loop, one to the store's write thread and the garbage
 * collector, and the rest, up to four, make exchanges (none on a 2-core machine).
 */
export function parseHttpThreads(text: string | undefined): number {
  if (text === undefined || text === '') return Math.min(MAX_DEFAULT_HTTP_THREADS, Math.max(0, availableParallelism() - 2));
  const threads = Number(text);
  if (!Number.isInteger(threads) || threads < 0 || threads > 64) throw new UsageError(`--http-threads must be a number from 0 to 64, not "${text}"`);
  return threads;
}

/**
 * How many items of device work may run at once. Each holds its slot for the whole of its
 * requests, so the rate Tally can poll at is this number over the time a poll takes: 64
 * slots at 10 ms a poll are 6,400 polls a second. Raise it for many devices far away (a
 * WAN's round trips make each poll longer); lower it to spread bursts more thinly.
 */
export function parsePollConcurrency(text: string | undefined): number {
  if (text === undefined || text === '') return DEFAULT_CONCURRENCY;
  const slots = Number(text);
  if (!Number.isInteger(slots) || slots < 1 || slots > MAX_POLL_CONCURRENCY) {
    throw new UsageError(`--poll-concurrency must be a number from 1 to ${MAX_POLL_CONCURRENCY}, not "${text}"`);
  }
  return slots;
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
  'http-threads': { type: 'string' },
  'poll-concurrency': { type: 'string' },
  'heap-growth': { type: 'string' },
} as const;
