/**
 * A stall: Tally's process stopped for a while (SIGSTOP, then SIGCONT), as a machine that
 * froze, a hypervisor that took the cores, or a long pause would leave it. Every poll due
 * meanwhile is late at once, which is how a run can fall behind; what the bench then
 * measures is whether, and how fast, Tally catches up.
 */

export interface Stall {
  /** When the process stops, ms into the window. */
  atMs: number;
  /** How long it stays stopped, ms. */
  forMs: number;
}

/** `--stall-at S` and `--stall-for S` (seconds, default 8); no stall without `--stall-at`. */
export function parseStall(at: string | undefined, forSeconds: string | undefined): Stall | null {
  if (at === undefined) {
    if (forSeconds !== undefined) throw new Error('--stall-for needs --stall-at');
    return null;
  }
  const atSeconds = Number(at);
  if (at.trim() === '' || !Number.isFinite(atSeconds) || atSeconds < 0) throw new Error(`--stall-at must be seconds from 0, not "${at}"`);
  const seconds = Number(forSeconds ?? '8');
  if (forSeconds?.trim() === '' || !Number.isFinite(seconds) || seconds <= 0 || seconds > 600) {
    throw new Error(`--stall-for must be seconds above 0 and at most 600, not "${forSeconds}"`);
  }
  return { atMs: atSeconds * 1000, forMs: seconds * 1000 };
}

/**
 * Stops `pid` at the stall's time and continues it after its length; `onEvent` hears both.
 * The function returned cancels what is still to come and continues a stopped process, so
 * a run that ends early never leaves it stopped.
 */
export function scheduleStall(pid: number, stall: Stall, onEvent: (event: 'stopped' | 'continued') => void): () => void {
  let stopped = false;
  const resume = (): void => {
    if (!stopped) return;
    stopped = false;
    process.kill(pid, 'SIGCONT');
    onEvent('continued');
  };
  let resumeTimer: ReturnType<typeof setTimeout> | undefined;
  const stopTimer = setTimeout(() => {
    process.kill(pid, 'SIGSTOP');
    stopped = true;
    onEvent('stopped');
    resumeTimer = setTimeout(resume, stall.forMs);
  }, stall.atMs);
  return () => {
    clearTimeout(stopTimer);
    clearTimeout(resumeTimer);
    resume();
  };
}
