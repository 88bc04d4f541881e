/**
 * The colour family of a value an operator reads: good, warn, bad, idle or plain. Colour is
 * never the only signal — the word is always shown beside it.
 */
export type Tone = 'good' | 'warn' | 'bad' | 'idle' | 'plain';

const BAD = /\b(error|errors|failed|failure|fault|unhealthy|critical|high|major|timeout|dead|lost|off[ _-]?air|offline|down|unreachable|refused|missing|bad)\b/i;
const WARN = /\b(warning|warn|degraded|medium|minor|initialising|initializing|starting|stopping|in[ _-]?progress|initiated|pending|busy|rescue|slate|stale)\b/i;
const GOOD = /\b(ok|live|running|healthy|active|on[ _-]?air|online|connected|completed|resolved|streaming|media|ready|enabled|on|normal)\b/i;
const IDLE = /\b(not[ _-]?connected|no connection|disconnected|idle|paused|stopped|off|disabled|none|unknown|n\/a)\b/i;

/** Tone of a word such as a discrete label, an element state or a severity. */
export function toneOf(text: string): Tone {
  if (!text) return 'plain';
  if (BAD.test(text)) return 'bad';
  if (WARN.test(text)) return 'warn';
  if (IDLE.test(text)) return 'idle';
  if (GOOD.test(text)) return 'good';
  return 'plain';
}

/** Element states map straight to tones (no guessing from words). */
export const STATE_TONES: Record<string, Tone> = {
  active: 'good',
  initialising: 'warn',
  paused: 'idle',
  stopped: 'idle',
  timeout: 'bad',
  error: 'bad',
};
