/**
 * A small connector and bus helpers for the alarm, trend and metrics tests: they publish
 * exactly what the runtime publishes (element views, parameter views, row views).
 */
import type { ConnectorDefinition, Value } from '../src/sdk/index.js';
import type { ElementState } from '../src/store/types.js';
import type { ElementView, ParamView, RowView } from '../src/runtime/views.js';
import { LiveBus } from '../src/live/live-bus.js';

export const encoder: ConnectorDefinition = {
  id: 'test-encoder',
  name: 'Test Encoder',
  vendor: 'Tally',
  version: '1.0.0.0',
  connection: { scheme: 'http', port: 80 },
  params: [
    { id: 'temperature', name: 'Temperature', type: 'number', unit: '°C', trend: true },
    { id: 'health', name: 'Health', type: 'discrete', discretes: [
      { value: 'healthy', label: 'Healthy' },
      { value: 'degraded', label: 'Degraded' },
      { value: 'unhealthy', label: 'Unhealthy' },
    ] },
    { id: 'lastError', name: 'Last Error', type: 'string' },
    { id: 'apiKey', name: 'API Key', type: 'string', secret: true },
  ],
  tables: [
    {
      id: 'outputs',
      name: 'Outputs',
      displayColumn: 'name',
      columns: [
        { id: 'name', name: 'Name', type: 'string' },
        { id: 'status', name: 'Status', type: 'discrete', discretes: [
          { value: 1, label: 'Idle' },
          { value: 2, label: 'Live' },
          { value: 3, label: 'Error' },
          { value: 4, label: 'Warning' },
        ] },
        { id: 'bitrate', name: 'Bitrate', type: 'number', unit: 'kb/s', trend: true },
      ],
    },
  ],
  pages: [],
  polls: [],
  actions: [],
  alarmTemplate: {
    rules: [
      { id: 'temperature', target: { param: 'temperature' }, kind: 'threshold', thresholds: { critical: { high: 90 }, major: { high: 80 }, warning: { high: 60, low: 5 } } },
      { id: 'health', target: { param: 'health' }, kind: 'discrete', values: [{ value: 'degraded', severity: 'minor' }, { value: 'unhealthy', severity: 'critical' }] },
      { id: 'lastError', target: { param: 'lastError' }, kind: 'pattern', patterns: [{ pattern: 'SRC_*', severity: 'major' }, { pattern: '*timeout*', severity: 'warning' }] },
      { id: 'sdiStatus', target: { table: 'outputs', column: 'status', rowFilter: 'SDI *' }, kind: 'discrete', values: [{ value: 3, severity: 'major' }, { value: 4, severity: 'minor' }] },
    ],
  },
};

export const connectors = (id: string): ConnectorDefinition | undefined => (id === encoder.id ? encoder : undefined);

export function elementView(id: string, state: ElementState = 'active', stateReason = ''): ElementView {
  return {
    id,
    name: `Encoder ${id}`,
    connector: encoder.id,
    connection: { host: '127.0.0.1', port: 80, tls: false, skipTlsVerify: false, deviceAddress: '', requestTimeout: 1000, elementTimeout: 5000, retries: 0 },
    state,
    stateReason,
    operatorState: 'active',
    pollIntervals: {},
    baseUrl: 'http://127.0.0.1:80',
    createdAt: 0,
    updatedAt: 0,
  };
}

export function paramView(id: string, value: Value, options: { stale?: boolean; updatedAt?: number } = {}): ParamView {
  return {
    id,
    name: id,
    type: 'number',
    value,
    display: String(value),
    unit: null,
    writable: false,
    secret: false,
    isSet: value !== null,
    stale: options.stale ?? false,
    updatedAt: options.updatedAt ?? Date.now(),
  };
}

export function rowView(key: string, name: string, cells: Record<string, Value>, options: { stale?: boolean; updatedAt?: number } = {}): RowView {
  return { key, displayKey: name, cells: { name, ...cells }, stale: options.stale ?? false, updatedAt: options.updatedAt ?? Date.now() };
}

/** Publishes what the runtime would, for one element. */
export class FakeRuntime {
  constructor(readonly bus = new LiveBus()) {}

  state(elementId: string, state: ElementState, reason = ''): void {
    this.bus.publish({ type: 'element', element: elementView(elementId, state, reason) });
  }

  params(elementId: string, values: Record<string, Value>, options: { stale?: boolean; updatedAt?: number } = {}): void {
    this.bus.publish({ type: 'params', elementId, params: Object.entries(values).map(([id, value]) => paramView(id, value, options)) });
  }

  rows(elementId: string, rows: RowView[], removed: string[] = []): void {
    this.bus.publish({ type: 'rows', elementId, tableId: 'outputs', rows, removed });
  }

  removed(elementId: string): void {
    this.bus.publish({ type: 'element-removed', elementId });
  }
}
