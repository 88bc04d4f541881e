/** A value views can watch; `set` notifies the watchers. */
export class Observable<T> {
  private readonly listeners = new Set<(value: T) => void>();
  constructor(private current: T) {}

  get value(): T {
    return this.current;
  }

  set(value: T): void {
    this.current = value;
    for (const listener of this.listeners) listener(value);
  }

  subscribe(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Subscribes a watcher that already holds `seen`, a value read earlier. A view reads the
   * value while it renders and subscribes only afterwards; a `set` in between would reach
   * nobody, so the watcher is told at once when the value moved on in that gap.
   */
  watchFrom(seen: T, listener: (value: T) => void): () => void {
    const unsubscribe = this.subscribe(listener);
    if (this.current !== seen) listener(this.current);
    return unsubscribe;
  }
}
