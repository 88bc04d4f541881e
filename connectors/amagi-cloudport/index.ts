/**
 * Amagi CLOUDPORT Service Manager: the account's health, every playout service, switchover
 * to the standby headend and Fix, and the incident history. API contract:
 * shared/reference/amagi-cloudport-api.md; all paths and fields live in cloudport-api.ts.
 */
import { ConfigError, defineConnector, type Discrete } from '../../src/sdk/index.js';
import {
  HEALTH_STATUSES,
  INCIDENT_STATES,
  PLAYER_STATUSES,
  PLAYOUT_STATUSES,
  ROLES,
  SEVERITIES,
  SWITCHOVER_STATUSES,
} from './cloudport-api.js';
import { ALARM_TEMPLATE } from './alarm-template.js';
import { forgetToken, missingCredentials } from './cloudport-session.js';
import { MAX_LOGS_LIMIT, retrieveLogs } from './incident-logs.js';
import { pollAccount, pollServices, showActiveHeadend } from './monitoring.js';
import { DEFAULT_SWITCHOVER_TIMEOUT_S, pollSwitchoverStatus, startFix, startSwitchover, SWITCHOVER_FLAG } from './switchover.js';

const labelled = (values: readonly string[]): Discrete[] => values.map((value) => ({ value, label: value.replace(/_/g, ' ') }));
const switchoverRunning = (flag: unknown): boolean => flag === true;

export default defineConnector({
  id: 'amagi-cloudport',
  name: 'Amagi CLOUDPORT Service Manager',
  vendor: 'Amagi',
  version: '1.0.0.1',
  description: 'Monitors the playout services of a CLOUDPORT account, switches feeds over to their standby headend and retrieves the incident history.',
  connection: { scheme: 'https', port: 443, deviceAddress: 'ByPassProxy' },
  simulator: () => import('./simulator/index.js'),
  alarmTemplate: ALARM_TEMPLATE,

  params: [
    { id: 'username', name: 'Username', description: 'Email of the CLOUDPORT user the element signs in as.', type: 'string', writable: true, config: true, required: true },
    { id: 'password', name: 'Password', type: 'string', secret: true, writable: true, config: true, required: true },
    { id: 'httpRequestStatus', name: 'HTTP Request Status', description: 'Status line of the latest request.', type: 'string' },
    { id: 'customerName', name: 'Customer Name', type: 'string' },
    { id: 'healthStatus', name: 'Health Status', type: 'discrete', discretes: labelled(HEALTH_STATUSES), default: 'unknown' },
    { id: 'servicesTotal', name: 'Services', type: 'number', decimals: 0, trend: true },
    { id: 'servicesUnhealthy', name: 'Unhealthy Services', type: 'number', decimals: 0, trend: true },
    { id: 'automationVersion', name: 'Automation Version', type: 'string' },
    { id: 'liveVersion', name: 'Live Version', type: 'string' },
    { id: 'playoutVersions', name: 'Playout Versions', type: 'string' },

    {
      id: 'switchoverFeed',
      name: 'Switchover Feed',
      description: 'The feed that Switchover and Fix act on.',
      type: 'string',
      writable: true,
      choices: { table: 'cloudportServices', valueColumn: 'feed', labelColumn: 'feed', where: { role: 'primary' } },
      onSet: async (ctx, value) => showActiveHeadend(ctx, ctx.rows('cloudportServices'), value),
    },
    {
      id: 'switchoverTarget',
      name: 'Switchover Target',
      description: 'Headend to switch to (or to fix); empty means the standby headend.',
      type: 'string',
      writable: true,
      choices: { table: 'cloudportServices', valueColumn: 'headend', labelColumn: 'name' },
    },
    { id: 'switchoverStatus', name: 'Switchover Status', type: 'discrete', discretes: labelled(SWITCHOVER_STATUSES), default: 'idle' },
    { id: 'switchoverMessage', name: 'Switchover Message', type: 'string' },
    { id: 'activeHeadend', name: 'Active Headend', description: 'The headend that has the switchover feed on air.', type: 'string' },
    { id: 'switchoverStartedAt', name: 'Switchover Started At', type: 'timestamp' },
    { id: 'switchoverCompletedAt', name: 'Switchover Completed At', type: 'timestamp' },
    {
      id: 'switchoverTimeout',
      name: 'Switchover Timeout',
      description: 'Stop watching a switchover that has not finished after this long.',
      type: 'number',
      unit: 's',
      decimals: 0,
      range: { min: 1, max: 3600 },
      writable: true,
      default: DEFAULT_SWITCHOVER_TIMEOUT_S,
    },
    {
      id: SWITCHOVER_FLAG,
      name: 'Poll Switchover Status Flag',
      description: 'On while a switchover runs: its status is polled every 2 s instead of the normal polling.',
      type: 'boolean',
      default: false,
    },

    { id: 'maxLogs', name: 'Max Logs', description: 'How many incidents Retrieve Logs fetches.', type: 'number', decimals: 0, range: { min: 1, max: MAX_LOGS_LIMIT }, writable: true },
  ],

  tables: [
    {
      id: 'cloudportServices',
      name: 'Cloudport Services',
      displayColumn: 'name',
      columns: [
        { id: 'name', name: 'Service Name', type: 'string' },
        { id: 'feed', name: 'Feed', type: 'string' },
        { id: 'headend', name: 'Headend', type: 'string' },
        { id: 'region', name: 'Region', type: 'string' },
        { id: 'role', name: 'Role', type: 'discrete', discretes: labelled(ROLES) },
        { id: 'onAir', name: 'On Air', type: 'boolean' },
        { id: 'playerStatus', name: 'Player Status', type: 'discrete', discretes: labelled(PLAYER_STATUSES) },
        { id: 'playoutStatus', name: 'Playout Status', type: 'discrete', discretes: labelled(PLAYOUT_STATUSES) },
        { id: 'health', name: 'Health', type: 'discrete', discretes: labelled(HEALTH_STATUSES) },
        { id: 'agentHealth', name: 'Agent Health', type: 'discrete', discretes: [{ value: 1, label: 'online' }, { value: 0, label: 'offline' }] },
        { id: 'updatedAt', name: 'Updated At', type: 'timestamp' },
      ],
    },
    {
      id: 'incidentHistoryLogs',
      name: 'Incident History Logs',
      displayColumn: 'incident',
      columns: [
        { id: 'incident', name: 'Incident', type: 'string' },
        { id: 'time', name: 'Time', type: 'timestamp' },
        { id: 'severity', name: 'Severity', type: 'discrete', discretes: labelled(SEVERITIES) },
        { id: 'state', name: 'State', type: 'discrete', discretes: labelled(INCIDENT_STATES) },
        { id: 'type', name: 'Type', type: 'string' },
        { id: 'feed', name: 'Feed', type: 'string' },
        { id: 'headend', name: 'Headend', type: 'string' },
        { id: 'description', name: 'Description', type: 'string' },
        { id: 'resolvedAt', name: 'Resolved At', type: 'timestamp' },
      ],
    },
  ],

  pages: [
    {
      id: 'general',
      name: 'General',
      items: ['customerName', 'healthStatus', 'servicesTotal', 'servicesUnhealthy', 'username', 'password', 'httpRequestStatus', 'automationVersion', 'liveVersion', 'playoutVersions'].map((param) => ({ param })),
    },
    { id: 'serviceMonitor', name: 'Service Monitor', items: [{ table: 'cloudportServices' }] },
    {
      id: 'cloudportControl',
      name: 'Cloudport Control',
      items: [
        ...['switchoverFeed', 'switchoverTarget', 'activeHeadend', 'switchoverStatus', 'switchoverMessage', 'switchoverStartedAt', 'switchoverCompletedAt', 'switchoverTimeout'].map((param) => ({ param })),
        { action: 'switchover' },
        { action: 'fix' },
        { param: SWITCHOVER_FLAG },
      ],
    },
    { id: 'logging', name: 'Logging', items: [{ param: 'maxLogs' }, { action: 'retrieveLogs' }, { table: 'incidentHistoryLogs' }] },
    { id: 'webInterface', name: 'Web Interface', items: [], webInterface: true },
  ],

  polls: [
    { id: 'account', name: 'Account and health', interval: 30_000, activeWhen: (ctx) => !switchoverRunning(ctx.param(SWITCHOVER_FLAG)), run: pollAccount },
    { id: 'services', name: 'Cloudport services', interval: 10_000, activeWhen: (ctx) => !switchoverRunning(ctx.param(SWITCHOVER_FLAG)), run: pollServices },
    { id: 'switchoverStatus', name: 'Switchover status', interval: 2_000, activeWhen: (ctx) => switchoverRunning(ctx.param(SWITCHOVER_FLAG)), run: pollSwitchoverStatus },
  ],

  actions: [
    {
      id: 'switchover',
      label: 'Switchover',
      description: 'Moves the Switchover Feed on air to the Switchover Target (or the standby headend).',
      selection: 'none',
      destructive: true,
      confirm: 'Switch this feed over to the other headend? The on-air output moves.',
      timeout: 15_000,
      run: startSwitchover,
    },
    {
      id: 'fix',
      label: 'Fix',
      description: 'Restarts the player and resyncs assets on the standby headend (or the Switchover Target).',
      selection: 'none',
      destructive: true,
      confirm: 'Restart the player and resync assets on the standby headend of this feed?',
      timeout: 15_000,
      run: startFix,
    },
    { id: 'retrieveLogs', label: 'Retrieve Logs', description: 'Fills Incident History Logs with at most Max Logs entries.', selection: 'none', run: retrieveLogs },
  ],

  init: async (ctx) => {
    forgetToken(ctx);
    const missing = missingCredentials(ctx);
    if (missing.length > 0) throw new ConfigError(`${missing.join(' and ')} not set`);
  },
});
