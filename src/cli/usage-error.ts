/** A mistake in how the command was called: the CLI prints the message and the usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
