/**
 * The CLOUDPORT Service Manager API as the connector uses it: every path and field name in
 * one place (so they can be adjusted against a real deployment), and pure functions that
 * turn answers into parameter values and table rows. Shapes the contract does not allow
 * throw {@link DeviceProtocolError}.
 */
import { DeviceProtocolError, type Row } from '../../src/sdk/index.js';

export const PATHS = {
  signIn: '/users/sign_in.json',
  version: '/api/v2/status/version',
  summary: '/api/v2/service_manager/summary',
  services: '/api/v2/service_manager/services',
  incidents: '/api/v2/service_manager/incidents',
  switchover: (feed: string) => `/api/v2/service_manager/feeds/${encodeURIComponent(feed)}/switchover`,
  fix: (feed: string) => `/api/v2/service_manager/feeds/${encodeURIComponent(feed)}/fix`,
} as const;

/** The header that carries the token. */
export const TOKEN_HEADER = 'x-user-token';

export const HEALTH_STATUSES = ['healthy', 'degraded', 'unhealthy', 'unknown'] as const;
export const SWITCHOVER_STATUSES = ['idle', 'initiated', 'in_progress', 'completed', 'failed'] as const;
export const ROLES = ['primary', 'backup'] as const;
export const PLAYER_STATUSES = ['running', 'stopped', 'starting', 'stopping'] as const;
export const PLAYOUT_STATUSES = ['media', 'live', 'rescue', 'slate', 'idle', 'off'] as const;
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export const INCIDENT_STATES = ['active', 'resolved', 'acknowledged'] as const;

export type SwitchoverStatus = (typeof SWITCHOVER_STATUSES)[number];

export function signInBody(email: string, password: string): unknown {
  return { user: { email, password } };
}

/** `{"target_headend": …}` for a chosen headend, `{"target_role": "backup"}` for the standby. */
export function switchoverBody(targetHeadend: string | undefined): unknown {
  return targetHeadend ? { target_headend: targetHeadend, reason: 'manual' } : { target_role: 'backup', reason: 'manual' };
}

export function fixBody(headend: string | undefined): unknown {
  return headend ? { headend_code: headend } : {};
}

export function incidentsQuery(limit: number, offset = 0): Record<string, number> {
  return { limit, offset };
}

/** The token of a successful sign-in. */
export function parseSignIn(body: unknown): string {
  return requireString(asObject(body, 'sign-in answer'), 'authentication_token', 'sign-in answer');
}

/** The message of an `{"error": "…"}` body, or undefined when the text is not one. */
export function errorMessage(text: string): string | undefined {
  try {
    const body: unknown = JSON.parse(text);
    const message = (body as { error?: unknown } | null)?.error;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

export interface VersionInfo {
  customer: string;
  automationVersion: string | null;
  liveVersion: string | null;
  /** "headend version" pairs, comma separated. */
  playoutVersions: string | null;
}

export function parseVersion(body: unknown): VersionInfo {
  const o = asObject(body, 'version');
  const deployed = (o.deployed_versions ?? {}) as Record<string, unknown>;
  const playout = deployed.playout && typeof deployed.playout === 'object' ? Object.entries(deployed.playout as Record<string, unknown>) : [];
  return {
    customer: requireString(o, 'customer', 'version'),
    automationVersion: optionalString(deployed.automation),
    liveVersion: optionalString(deployed.live),
    playoutVersions: playout.length ? playout.map(([headend, version]) => `${headend} ${String(version)}`).join(', ') : null,
  };
}

export interface Summary {
  customer: string | null;
  healthStatus: string;
  servicesTotal: number | null;
  servicesUnhealthy: number | null;
}

export function parseSummary(body: unknown): Summary {
  const o = asObject(body, 'summary');
  return {
    customer: optionalString(o.customer),
    healthStatus: oneOf(o.health_status, HEALTH_STATUSES, 'unknown'),
    servicesTotal: optionalNumber(o.services_total),
    servicesUnhealthy: optionalNumber(o.services_unhealthy),
  };
}

/** Rows of the `cloudportServices` table, keyed by service id. */
export function parseServices(body: unknown): Row[] {
  const list = asObject(body, 'services').services;
  if (!Array.isArray(list)) throw new DeviceProtocolError('services answer has no "services" list');
  return list.map((item, index) => {
    const s = asObject(item, `service ${index}`);
    return {
      key: requireString(s, 'id', `service ${index}`),
      cells: {
        name: optionalString(s.name) ?? String(s.id),
        feed: optionalString(s.feed_code),
        headend: optionalString(s.headend_code),
        region: optionalString(s.region),
        role: optionalString(s.role),
        onAir: typeof s.on_air === 'boolean' ? s.on_air : null,
        playerStatus: optionalString(s.player_status),
        playoutStatus: optionalString(s.playout_status),
        health: oneOf(s.health_status, HEALTH_STATUSES, 'unknown'),
        agentHealth: optionalNumber(s.agent_health),
        updatedAt: timestamp(s.updated_at),
      },
    };
  });
}

export interface SwitchoverStart {
  id: string | null;
  status: SwitchoverStatus;
  from: string | null;
  to: string | null;
}

export function parseSwitchoverStart(body: unknown): SwitchoverStart {
  const o = asObject(body, 'switchover answer');
  return {
    id: optionalString(o.switchover_id),
    status: switchoverStatus(o.status),
    from: optionalString(o.from_headend),
    to: optionalString(o.to_headend),
  };
}

export interface SwitchoverState extends SwitchoverStart {
  activeHeadend: string | null;
  startedAt: number | null;
  completedAt: number | null;
  message: string | null;
}

export function parseSwitchoverState(body: unknown): SwitchoverState {
  const o = asObject(body, 'switchover status');
  return {
    ...parseSwitchoverStart(o),
    activeHeadend: optionalString(o.active_headend),
    startedAt: timestamp(o.started_at),
    completedAt: timestamp(o.completed_at),
    message: optionalString(o.message),
  };
}

export interface FixAccepted {
  id: string | null;
  actions: string[];
}

export function parseFix(body: unknown): FixAccepted {
  const o = asObject(body, 'fix answer');
  return { id: optionalString(o.action_id), actions: Array.isArray(o.actions) ? o.actions.map(String) : [] };
}

export interface Incidents {
  total: number | null;
  rows: Row[];
}

/** Rows of the `incidentHistoryLogs` table, keyed by incident id, newest first as the service sends them. */
export function parseIncidents(body: unknown): Incidents {
  const o = asObject(body, 'incidents');
  if (!Array.isArray(o.incidents)) throw new DeviceProtocolError('incidents answer has no "incidents" list');
  return {
    total: optionalNumber(o.total),
    rows: o.incidents.map((item, index) => {
      const i = asObject(item, `incident ${index}`);
      const id = requireString(i, 'id', `incident ${index}`);
      return {
        key: id,
        cells: {
          incident: id,
          time: timestamp(i.created_at),
          severity: optionalString(i.severity),
          state: optionalString(i.state),
          type: optionalString(i.type),
          feed: optionalString(i.feed_code),
          headend: optionalString(i.headend_code),
          description: optionalString(i.description),
          resolvedAt: timestamp(i.resolved_at),
        },
      };
    }),
  };
}

function switchoverStatus(value: unknown): SwitchoverStatus {
  const status = oneOf(value, SWITCHOVER_STATUSES, undefined);
  if (!status) throw new DeviceProtocolError(`unknown switchover status ${JSON.stringify(value)}`);
  return status;
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new DeviceProtocolError(`${what} is not an object`);
  return value as Record<string, unknown>;
}

function requireString(o: Record<string, unknown>, field: string, what: string): string {
  const value = o[field];
  if (typeof value !== 'string' || value === '') throw new DeviceProtocolError(`${what} has no "${field}"`);
  return value;
}

function optionalString(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function optionalNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function oneOf<T extends string, D extends T | undefined>(value: unknown, allowed: readonly T[], fallback: D): T | D {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** ISO 8601 text → epoch ms; null when absent or unreadable. */
function timestamp(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}
