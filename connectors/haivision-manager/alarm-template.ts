/**
 * Default alarm monitoring of a Haivision Manager / StreamHub element: outputs in error are
 * major and in warning minor; field units (inputs) in error minor and in warning a warning;
 * the device's overall health major on error. Each element may override it.
 */
import type { AlarmRule, AlarmTemplate } from '../../src/sdk/index.js';
import { TABLE } from './definition-tables.js';
import { CHANNEL_STATUS, OUTPUT_STATUS } from './parse-responses.js';

const outputStatus = (table: string): AlarmRule => ({
  id: `${table}.status`,
  target: { table, column: 'status' },
  kind: 'discrete',
  values: [
    { value: OUTPUT_STATUS.error, severity: 'major' },
    { value: OUTPUT_STATUS.warning, severity: 'minor' },
  ],
});

export const ALARM_TEMPLATE: AlarmTemplate = {
  rules: [
    {
      id: 'healthStatus',
      target: { param: 'healthStatus' },
      kind: 'discrete',
      values: [
        { value: 'error', severity: 'major' },
        { value: 'warning', severity: 'warning' },
      ],
    },
    outputStatus(TABLE.sdiOutputs),
    outputStatus(TABLE.ndiOutputs),
    outputStatus(TABLE.ipOutputs),
    {
      id: 'inputs.channelStatus',
      target: { table: TABLE.inputs, column: 'channelStatus' },
      kind: 'discrete',
      values: [
        { value: CHANNEL_STATUS.error, severity: 'minor' },
        { value: CHANNEL_STATUS.warning, severity: 'warning' },
      ],
    },
  ],
};
