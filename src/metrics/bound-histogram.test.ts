import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BoundHistogram } from './bound-histogram.js';

const BUCKETS = [0.01, 0.1, 1, 10];
const HELP = 'Durations';

describe('BoundHistogram', () => {
  it("exposes the same text as prom-client's Histogram for the same observations", async () => {
    const theirs = new Registry();
    const ours = new Registry();
    const reference = new Histogram({ name: 'tally_x_seconds', help: HELP, labelNames: ['connector', 'group'], buckets: BUCKETS, registers: [theirs] });
    const bound = new BoundHistogram('tally_x_seconds', HELP, ['connector', 'group'], [10, 1, 0.1, 0.01], ours);
    const observations: [string, string, number][] = [
      ['haivision', 'outputs', 0.003],
      ['haivision', 'outputs', 0.01], // on a bound: in that bucket
      ['haivision', 'outputs', 0.5],
      ['haivision', 'inputs', 42], // above every bound: +Inf only
      ['amagi "cloud"\\port', 'services', 0.2], // a value the exposition must escape
      ['haivision', 'outputs', 0],
    ];
    for (const [connector, group, value] of observations) {
      reference.observe({ connector, group }, value);
      bound.seriesOf({ connector, group }).observe(value);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.metrics()).toContain('tally_x_seconds_bucket{le="0.01",connector="haivision",group="outputs"} 3');
  });

  it('gives the same series for the same labels, and resets every series in place', async () => {
    const registry = new Registry();
    const bound = new BoundHistogram('tally_y_seconds', HELP, ['connector'], BUCKETS, registry);
    const series = bound.seriesOf({ connector: 'a' });
    expect(bound.seriesOf({ connector: 'a' })).toBe(series);
    series.observe(0.5);
    registry.resetMetrics();
    expect(series.count).toBe(0);
    series.observe(5);
    const text = await registry.metrics();
    expect(text).toContain('tally_y_seconds_bucket{le="1",connector="a"} 0');
    expect(text).toContain('tally_y_seconds_bucket{le="10",connector="a"} 1');
    expect(text).toContain('tally_y_seconds_count{connector="a"} 1');
  });
});
