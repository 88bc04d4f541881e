/**
 * Asynchronous writes run one at a time, in the order they were asked for: with one batch in
 * flight, a batch put back after a failure is written before, never after (and over), the
 * changes queued since. A failed write does not stop the ones after it; its caller hears of it.
 */
export class WritesInTurn {
  private last: Promise<unknown> = Promise.resolve();

  run<T>(write: () => Promise<T>): Promise<T> {
    const result = this.last.then(write);
    this.last = result.catch(() => undefined);
    return result;
  }
}
