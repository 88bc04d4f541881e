/**
 * What a command may use of the outside world. `main.ts` hands in the real process; tests
 * hand in their own streams, environment and stop request.
 */
export interface CliContext {
  env: NodeJS.ProcessEnv;
  print(line: string): void;
  printError(line: string): void;
  /** A person is at the terminal (so a new password is asked twice). */
  interactive: boolean;
  /** Asks for a secret (a password) without echoing it. */
  readSecret(prompt: string): Promise<string>;
  /** Resolves when the process is asked to stop (SIGINT or SIGTERM), with the signal's name. */
  stopRequested: Promise<string>;
}
