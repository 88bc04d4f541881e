/**
 * Write-behind for the alarm and trend tables: changes collect in memory and one timer
 * writes them in a single transaction, so evaluation (which runs inside the runtime's
 * publish) never waits on the disk.
 */
export class FlushTimer {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly flush: () => void,
    private readonly delayMs: number,
  ) {}

  /** Makes sure a flush happens within `delayMs`. */
  request(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.delayMs);
    this.timer.unref?.();
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
