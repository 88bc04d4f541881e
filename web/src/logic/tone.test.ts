import { describe, expect, it } from 'vitest';
import { toneOf } from './tone.js';

describe('tones', () => {
  it('reads operator words', () => {
    expect(toneOf('Live')).toBe('good');
    expect(toneOf('healthy')).toBe('good');
    expect(toneOf('Error')).toBe('bad');
    expect(toneOf('unhealthy')).toBe('bad');
    expect(toneOf('degraded')).toBe('warn');
    expect(toneOf('in_progress')).toBe('warn');
    expect(toneOf('Not connected')).toBe('idle');
    expect(toneOf('Idle')).toBe('idle');
    expect(toneOf('high')).toBe('bad');
    expect(toneOf('medium')).toBe('warn');
    expect(toneOf('resolved')).toBe('good');
    expect(toneOf('acme_news_001')).toBe('plain');
  });
});
