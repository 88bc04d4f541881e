/** The `tally` command: picks the sub-command and turns failures into a message and an exit code. */
import { TallyError } from '../errors.js';
import type { CliContext } from './cli-context.js';
import { runRotateKey } from './rotate-key-command.js';
import { runSim } from './sim-command.js';
import { runStart } from './start-command.js';
import { UsageError } from './usage-error.js';
import { runUser } from './user-command.js';

export const USAGE = `usage:
  tally start [--host 127.0.0.1] [--port 8080] [--data-dir ./data] [--http-threads N] [--poll-concurrency N] [--heap-growth PERCENT]
  tally demo  [--host 127.0.0.1] [--port 8080] [--data-dir ./data] [--http-threads N] [--poll-concurrency N] [--heap-growth PERCENT]
  tally sim <connector-id> [--host 127.0.0.1] [--port N] [--tls] [--seed N] [--option value …]
    tally sim haivision-manager [--port 8893] [--api-key KEY] [--tls] [--inputs N] [--sdi N] [--ndi N] [--ip N]
    tally sim amagi-cloudport [--port 8443] [--username U] [--password P] [--http] [--token-ttl S] [--switchover-ms MS]
      (HTTPS by default; --http serves plain HTTP)
  tally user add <username> --role viewer|operator|admin [--password P]
  tally user passwd <username> [--password P]
  tally user role <username> --role viewer|operator|admin
  tally user remove <username>
  tally user list
  tally rotate-key [--data-dir ./data]   (stop Tally first)
--http-threads: worker threads for the HTTP exchanges with devices (default: one per core
  beyond the second, at most 4; 0 makes them on the event loop)
--poll-concurrency: polls and operator actions running at once across all elements while
  polls keep up (default 64); up to 16 times more while they fall behind and CPU is left
--heap-growth: how far the JavaScript heap may grow past its live data before a full garbage
  collection, in percent (default 60; 0 leaves it to V8, which lets it grow up to 4 times)
environment: TALLY_HOST, TALLY_PORT, TALLY_DATA_DIR, TALLY_HTTP_THREADS, TALLY_POLL_CONCURRENCY, TALLY_HEAP_GROWTH, TALLY_ADMIN_TOKEN, TALLY_SECRET_KEY,
  TALLY_NEW_SECRET_KEY (rotate-key), TALLY_CONNECTORS_DIR (connector folders), TALLY_LOG_LEVEL;
  options beat the environment.`;

/** Runs one command and answers its exit code: 0 done, 1 failed, 2 wrong usage. */
export async function runCli(argv: string[], context: CliContext): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'start':
        return await runStart(args, context, false);
      case 'demo':
        return await runStart(args, context, true);
      case 'sim':
        return await runSim(args, context);
      case 'user':
        return await runUser(args, context);
      case 'rotate-key':
        return await runRotateKey(args, context);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        context.print(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      context.printError(`tally: ${(error as Error).message}\n${USAGE}`);
      return 2;
    }
    context.printError(`tally: ${error instanceof TallyError || error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

function isParseArgsError(error: unknown): boolean {
  return typeof (error as { code?: unknown })?.code === 'string' && (error as { code: string }).code.startsWith('ERR_PARSE_ARGS');
}
