/** The connector of the test device: every kind of parameter, a table, a row action and an admin-only button. */
import { ConfigError, defineConnector } from '../../../../src/sdk/index.js';
import type { TestDeviceState } from '../../test-device-server.js';

type Status = Pick<TestDeviceState, 'model' | 'temperature' | 'label' | 'outputs'>;

export default defineConnector({
  id: 'test-device',
  name: 'Test Device',
  vendor: 'Tally tests',
  version: '1.0.0.0',
  connection: { scheme: 'http', port: 80, deviceAddress: 'ByPassProxy', requestTimeout: 2000, elementTimeout: 5000, retries: 0 },
  params: [
    { id: 'apiKey', name: 'API Key', type: 'string', secret: true, config: true, required: true },
    { id: 'model', name: 'Model', type: 'string' },
    { id: 'temperature', name: 'Temperature', type: 'number', unit: '°C', decimals: 1 },
    {
      id: 'label',
      name: 'Label',
      type: 'string',
      writable: true,
      onSet: async (ctx, value) => {
        await ctx.http.post('/label', { label: value }, { headers: { 'x-api-key': String(ctx.param('apiKey')) } });
      },
    },
    { id: 'gain', name: 'Gain', type: 'number', writable: true, range: { min: 0, max: 10 } },
  ],
  tables: [
    {
      id: 'outputs',
      name: 'Outputs',
      displayColumn: 'name',
      columns: [
        { id: 'name', name: 'Name', type: 'string' },
        { id: 'status', name: 'Status', type: 'discrete', discretes: [{ value: 'on', label: 'On' }, { value: 'off', label: 'Off' }] },
      ],
    },
  ],
  pages: [{ id: 'general', name: 'General', items: [{ param: 'model' }, { param: 'temperature' }, { param: 'label' }, { table: 'outputs' }, { action: 'reboot' }] }],
  polls: [
    {
      id: 'status',
      interval: 60_000,
      run: async (ctx) => {
        const status = (await ctx.http.get('/status', { headers: { 'x-api-key': String(ctx.param('apiKey')) } })).json<Status>();
        ctx.setParams({ model: status.model, temperature: status.temperature, label: status.label });
        ctx.fillTable('outputs', status.outputs.map((output) => ({ key: output.id, cells: { name: output.name, status: output.status } })));
      },
    },
  ],
  actions: [
    {
      id: 'toggleOutput',
      label: 'Toggle output',
      table: 'outputs',
      selection: 'single',
      inputs: [{ id: 'reason', name: 'Reason', type: 'string' }],
      run: async (ctx, request) => {
        const [row] = request.rows;
        await ctx.http.post(`/outputs/${row.key}/toggle`, { reason: request.inputs.reason }, { headers: { 'x-api-key': String(ctx.param('apiKey')) } });
        ctx.pollNow('status');
        return `${String(row.cells.name)} toggled`;
      },
    },
    {
      id: 'reboot',
      label: 'Reboot',
      selection: 'none',
      destructive: true,
      confirm: 'Reboot the device?',
      minRole: 'admin',
      run: async (ctx) => {
        await ctx.http.post('/reboot', {}, { headers: { 'x-api-key': String(ctx.param('apiKey')) } });
        return 'rebooting';
      },
    },
  ],
  init: async (ctx) => {
    if (!ctx.param('apiKey')) throw new ConfigError('API key not set');
  },
  simulator: async () => ({ start: async (options) => (await import('../../test-device-server.js')).startTestDevice(options) }),
});
