/** Coloured words: the colour helps from across the room, the word says it for certain. */
import { STATE_TONES, toneOf, type Tone } from '../logic/tone.js';

export function ToneText({ text, tone }: { text: string; tone?: Tone }) {
  if (!text) return null;
  const resolved = tone ?? toneOf(text);
  return (
    <span class={`tone tone-${resolved}`}>
      <span class="tone-dot" aria-hidden="true" />
      {text}
    </span>
  );
}

const STATE_WORDS: Record<string, string> = {
  initialising: 'Initialising',
  active: 'Active',
  paused: 'Paused',
  stopped: 'Stopped',
  timeout: 'Timeout',
  error: 'Error',
};

export function StateBadge({ state }: { state: string }) {
  return (
    <span class={`badge badge-${STATE_TONES[state] ?? 'plain'}`} data-state={state}>
      {STATE_WORDS[state] ?? state}
    </span>
  );
}

export function SeverityBadge({ severity }: { severity: string | undefined }) {
  if (!severity) return <span class="muted">—</span>;
  return (
    <span class={`badge severity-${severity}`} data-severity={severity}>
      {severity.charAt(0).toUpperCase() + severity.slice(1)}
    </span>
  );
}
