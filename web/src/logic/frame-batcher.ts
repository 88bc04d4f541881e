/**
 * Collects items and hands them over once per animation frame, so a burst of live
 * messages costs one render instead of hundreds.
 */
export class FrameBatcher<T> {
  private pending: T[] = [];
  private scheduled = false;

  constructor(
    private readonly deliver: (items: T[]) => void,
    private readonly schedule: (callback: () => void) => void = (callback) => requestAnimationFrame(() => callback()),
  ) {}

  push(items: Iterable<T>): void {
    for (const item of items) this.pending.push(item);
    if (this.scheduled || this.pending.length === 0) return;
    this.scheduled = true;
    this.schedule(() => this.flush());
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const items = this.pending;
    this.pending = [];
    this.deliver(items);
  }
}
