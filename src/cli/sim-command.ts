/**
 * `tally sim <connector> [--host] [--port] [--tls] [--seed] [--any-option value]`: runs one
 * connector's device simulator until SIGINT or SIGTERM. Options it does not know are handed
 * to the simulator in camelCase (`--api-key K` → `apiKey: "K"`).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConnectorRegistry } from '../runtime/connector-registry.js';
import type { SimulatorOptions } from '../sdk/index.js';
import type { CliContext } from './cli-context.js';
import { parsePort } from './cli-settings.js';
import { UsageError } from './usage-error.js';

const KNOWN_OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  tls: { type: 'boolean' },
  seed: { type: 'string' },
} as const;

export async function runSim(args: string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: withPassThrough(args), strict: true, allowPositionals: true });
  const [connectorId, ...extra] = positionals;
  if (!connectorId || extra.length > 0) throw new UsageError('name one connector: tally sim <connector-id> [options]');
  const registry = await ConnectorRegistry.load(context.env.TALLY_CONNECTORS_DIR || undefined);
  const withSimulator = registry.list().filter((candidate) => candidate.simulator).map((candidate) => candidate.id);
  const connector = registry.has(connectorId) ? registry.get(connectorId) : undefined;
  if (!connector?.simulator) {
    throw new UsageError(`no simulator for "${connectorId}"; connectors with one: ${withSimulator.join(', ') || 'none'}`);
  }

  const { host, port, tls, seed, ...passThrough } = values as Record<string, string | boolean | undefined>;
  const options: SimulatorOptions = { host: typeof host === 'string' ? host : '127.0.0.1' };
  if (port !== undefined) options.port = parsePort(String(port), 0);
  if (tls !== undefined) options.tls = tls === true;
  if (seed !== undefined) options.seed = Number(seed);
  for (const [name, value] of Object.entries(passThrough)) options[camelCase(name)] = value;

  const simulator = await (await connector.simulator()).start(options);
  try {
    context.print(
      [
        `${connector.name} simulator: ${simulator.url}`,
        `Element settings that reach it: ${JSON.stringify(simulator.elementTemplate)}`,
        'Stop with Ctrl+C.',
      ].join('\n'),
    );
    await context.stopRequested;
  } finally {
    await simulator.close();
  }
  return 0;
}

/** parseArgs options: the known ones, plus every other `--name` given (a string when a value follows). */
function withPassThrough(args: string[]): NonNullable<ParseArgsConfig['options']> {
  const options: NonNullable<ParseArgsConfig['options']> = { ...KNOWN_OPTIONS };
  args.forEach((arg, index) => {
    const match = /^--([a-zA-Z][\w-]*)(=.*)?$/.exec(arg);
    if (!match || match[1] in options) return;
    const next = args[index + 1];
    const takesValue = match[2] !== undefined || (next !== undefined && !next.startsWith('--'));
    options[match[1]] = { type: takesValue ? 'string' : 'boolean' };
  });
  return options;
}

function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}
