import { describe, expect, it } from 'vitest';
import { PrometheusMetrics } from '../src/metrics/prometheus-metrics.js';

describe('Prometheus metrics', () => {
  it('records what the runtime and the store report, and reads states, alarms and trended values at scrape time', async () => {
    const states = [
      { connector: 'haivision-manager', state: 'active' as const },
      { connector: 'haivision-manager', state: 'active' as const },
      { connector: 'amagi-cloudport', state: 'timeout' as const },
    ];
    const metrics = new PrometheusMetrics(
      {
        elements: () => states,
        activeAlarms: () => new Map([['major', 2]]),
        trendedValues: () => [{ elementId: 'e1', paramId: 'inputs.rxBitrate', rowKey: '1', value: 2500 }],
        streamDetails: () => ({ inUse: 1536, held: 1_048_576 }),
      },
      { processMetrics: false },
    );
    metrics.observePoll('haivision-manager', 'outputs', 120, true);
    metrics.observePoll('haivision-manager', 'outputs', 4000, false);
    metrics.observePollLateness('haivision-manager', 3);
    metrics.observePollLateness('haivision-manager', 1_200);
    metrics.observeRequest(200);
    metrics.observeRequest(200);
    metrics.observeRequest('network');
    metrics.setQueueDepth(7);
    metrics.setPollConcurrency(96);
    metrics.observeStoreFlush('values', 3, 250);

    const text = await metrics.scrape();
    expect(metrics.contentType).toMatch(/^text\/plain/);
    expect(text).toContain('tally_poll_duration_seconds_bucket{le="0.25",connector="haivision-manager",group="outputs",outcome="ok"} 1');
    expect(text).toContain('tally_poll_duration_seconds_count{connector="haivision-manager",group="outputs",outcome="failed"} 1');
    expect(text).toContain('tally_poll_lateness_seconds_bucket{le="0.005",connector="haivision-manager"} 1');
    expect(text).toContain('tally_poll_lateness_seconds_bucket{le="2.5",connector="haivision-manager"} 2');
    expect(text).toContain('tally_poll_lateness_seconds_count{connector="haivision-manager"} 2');
    expect(text).toContain('tally_device_requests_total{status="200"} 2');
    expect(text).toContain('tally_device_requests_total{status="network"} 1');
    expect(text).toContain('tally_queue_depth 7');
    expect(text).toContain('tally_poll_concurrency 96');
    expect(text).toContain('tally_store_rows_written_total{writer="values"} 250');
    expect(text).toContain('tally_elements{connector="haivision-manager",state="active"} 2');
    expect(text).toContain('tally_elements{connector="amagi-cloudport",state="timeout"} 1');
    expect(text).toContain('tally_active_alarms{severity="major"} 2');
    expect(text).toContain('tally_active_alarms{severity="critical"} 0');
    expect(text).not.toContain('severity="normal"');
    expect(text).toContain('tally_trend_value{element="e1",parameter="inputs.rxBitrate",row="1"} 2500');
    expect(text).toContain('tally_stream_viewer_detail_bytes{kind="in_use"} 1536');
    expect(text).toContain('tally_stream_viewer_detail_bytes{kind="held"} 1048576');

    states.pop();
    expect(await metrics.scrape()).not.toContain('amagi-cloudport');
  });
});
