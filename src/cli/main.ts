#!/usr/bin/env node
/** Entry of the `tally` command (bin/tally.js imports the compiled copy). */
import { runCli } from './run-cli.js';
import { readSecret } from './read-secret.js';

const stopRequested = new Promise<string>((resolve) => {
  const onSignal = (signal: NodeJS.Signals) => {
    // A second Ctrl+C while shutting down means "now".
    process.once(signal, () => process.exit(130));
    resolve(signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
});

const code = await runCli(process.argv.slice(2), {
  env: process.env,
  print: (line) => process.stdout.write(`${line}\n`),
  printError: (line) => process.stderr.write(`${line}\n`),
  interactive: Boolean(process.stdin.isTTY),
  readSecret: (prompt) => readSecret(prompt),
  stopRequested,
});
// Keep-alive sockets of device pools must not hold a finished command open.
process.exit(code);
