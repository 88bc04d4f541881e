/**
 * Haivision Manager / StreamHub (firmware 4.1.0): field units, SDI / NDI / IP outputs,
 * Play Stream and Stop Stream, over the device's REST API on port 8893 (api_key).
 */
import { ConfigError, defineConnector } from '../../src/sdk/index.js';
import { ALARM_TEMPLATE } from './alarm-template.js';
import { ACTIONS } from './definition-actions.js';
import { POLLS } from './definition-polls.js';
import { PARAMS, TABLE, TABLES } from './definition-tables.js';

export default defineConnector({
  id: 'haivision-manager',
  name: 'Haivision Manager',
  vendor: 'Haivision',
  version: '4.1.0.1',
  description: 'Haivision Manager / StreamHub receivers: field units, streams, SDI, NDI and IP outputs.',
  // StreamHubs sit on the contribution network: talk to them directly, not through a proxy.
  connection: { scheme: 'http', port: 8893, deviceAddress: 'ByPassProxy', requestTimeout: 5_000, elementTimeout: 30_000, retries: 1 },
  params: PARAMS,
  tables: TABLES,
  pages: [
    {
      id: 'general',
      name: 'General',
      items: [
        'apiKey', 'identifier', 'hardwareIdentifier', 'firmwareVersion', 'inputCount', 'sdiOutputCount', 'healthStatus',
        'liveInputCount', 'idleInputCount', 'failingInputCount', 'liveOutputCount', 'idleOutputCount', 'failingOutputCount',
        'httpRequestStatus',
      ].map((param) => ({ param })),
    },
    { id: 'fieldUnits', name: 'Field Units', items: [{ table: TABLE.inputs }] },
    { id: 'outputs', name: 'Outputs', items: [{ table: TABLE.sdiOutputs }, { table: TABLE.ndiOutputs }, { table: TABLE.ipOutputs }] },
    {
      id: 'configuration',
      name: 'Configuration',
      items: [{ param: 'deviceHostname' }, { table: TABLE.streamingOutputs }, { table: TABLE.encoderProfiles }],
    },
    // The SDK opens the element's base URL; the device's own GUI listens on 8888 (see README).
    { id: 'webInterface', name: 'Web Interface', items: [], webInterface: true },
  ],
  polls: POLLS,
  actions: ACTIONS,
  init: async (ctx) => {
    const apiKey = ctx.param('apiKey');
    if (typeof apiKey !== 'string' || apiKey === '') throw new ConfigError('API key not set');
    ctx.http.maskSecret(apiKey);
  },
  simulator: () => import('./simulator/index.js'),
  alarmTemplate: ALARM_TEMPLATE,
});
