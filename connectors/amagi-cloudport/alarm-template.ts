/**
 * Default alarm monitoring of an Amagi CLOUDPORT element: account health degraded is minor
 * and unhealthy critical; a service whose playout is off (off air) or whose agent is offline
 * is major; a failed switchover is major; an active critical incident (among the retrieved
 * logs) is critical. Backup headends are normally not on air, so `onAir` alone is no alarm.
 */
import type { AlarmTemplate } from '../../src/sdk/index.js';

export const ALARM_TEMPLATE: AlarmTemplate = {
  rules: [
    {
      id: 'healthStatus',
      target: { param: 'healthStatus' },
      kind: 'discrete',
      values: [
        { value: 'degraded', severity: 'minor' },
        { value: 'unhealthy', severity: 'critical' },
      ],
    },
    {
      id: 'services.playoutStatus',
      target: { table: 'cloudportServices', column: 'playoutStatus' },
      kind: 'discrete',
      values: [{ value: 'off', severity: 'major' }],
    },
    {
      id: 'services.agentHealth',
      target: { table: 'cloudportServices', column: 'agentHealth' },
      kind: 'discrete',
      values: [{ value: 0, severity: 'major' }],
    },
    {
      id: 'switchoverStatus',
      target: { param: 'switchoverStatus' },
      kind: 'discrete',
      values: [{ value: 'failed', severity: 'major' }],
    },
    {
      id: 'incidents.critical',
      target: { table: 'incidentHistoryLogs', column: 'severity', where: { state: 'active' } },
      kind: 'discrete',
      values: [{ value: 'critical', severity: 'critical' }],
    },
  ],
};
