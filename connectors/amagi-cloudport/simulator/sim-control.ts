/**
 * The `/_sim/` control API (no authentication): inspect the model, inject and clear faults,
 * revoke tokens, move time. Test harnesses and operators rehearsing failures use it.
 */
import { PLAYER_STATUSES, PLAYOUT_STATUSES } from './catalogue.js';
import type { CloudportModel, Faults } from './cloudport-model.js';
import { error, isoTime, json, parseBody, type SimRequest, type SimResponse } from './responses.js';

export const CONTROL_PREFIX = '/_sim/';

/** Each fault and the check its value must pass. */
const FAULT_CHECKS: Record<keyof Faults, (value: unknown) => string | undefined> = {
  latencyMs: nonNegativeNumber,
  hang: boolean,
  status: (value) => (value === 500 || value === 503 ? undefined : 'must be 500 or 503'),
  retryAfter: nonNegativeNumber,
  malformedJson: boolean,
  failSwitchover: boolean,
  hangSwitchover: boolean,
  forbiddenFeeds: (value) => (Array.isArray(value) && value.every((feed) => typeof feed === 'string') ? undefined : 'must be a list of feed codes'),
};

/** Answers one control request; `realNow` is the wall clock the model follows. */
export function handleControl(model: CloudportModel, request: SimRequest, realNow: number): SimResponse {
  const route = `${request.method} ${request.path.slice(CONTROL_PREFIX.length - 1)}`;
  const body = parseBody(request.body) ?? {};
  switch (route) {
    case 'GET /state':
      return json(200, model.snapshot());
    case 'GET /faults':
      return json(200, model.faults);
    case 'POST /faults': {
      const problem = validateFaults(body);
      if (problem) return error(400, problem);
      model.faults = { ...model.faults, ...(body as Faults) };
      return json(200, model.faults);
    }
    case 'DELETE /faults':
    case 'POST /faults/clear':
      model.faults = {};
      return json(200, model.faults);
    case 'POST /revoke-tokens':
      model.revokeTokens();
      return json(200, { revoked: true });
    case 'POST /advance': {
      const ms = Number(body.ms);
      if (!Number.isFinite(ms) || ms < 0) return error(400, 'ms must be a non-negative number');
      model.skip(ms, realNow);
      return json(200, { now: isoTime(model.now) });
    }
    default:
      return patchHeadendRoute(model, request, body) ?? error(404, 'Not found');
  }
}

/** What `POST /_sim/headends/{code}` may set, and the values each accepts. */
const HEADEND_FIELDS: Record<string, readonly unknown[]> = { player: PLAYER_STATUSES, playout: PLAYOUT_STATUSES, agent: [0, 1] };

function patchHeadendRoute(model: CloudportModel, request: SimRequest, body: Record<string, unknown>): SimResponse | undefined {
  const match = /^\/_sim\/headends\/([^/]+)$/.exec(request.path);
  if (!match || request.method !== 'POST') return undefined;
  for (const [key, value] of Object.entries(body)) {
    const allowed = HEADEND_FIELDS[key];
    if (!allowed) return error(400, `unknown field ${key}; known: ${Object.keys(HEADEND_FIELDS).join(', ')}`);
    if (!allowed.includes(value)) return error(400, `${key} must be one of ${allowed.map(String).join(', ')}`);
  }
  const headend = model.patchHeadend(decodeURIComponent(match[1]), body as Parameters<CloudportModel['patchHeadend']>[1]);
  return headend ? json(200, headend) : error(404, 'Headend not found');
}

function validateFaults(body: Record<string, unknown>): string | undefined {
  for (const [key, value] of Object.entries(body)) {
    const check = FAULT_CHECKS[key as keyof Faults] as ((value: unknown) => string | undefined) | undefined;
    if (!check) return `unknown fault ${key}; known: ${Object.keys(FAULT_CHECKS).join(', ')}`;
    const problem = check(value);
    if (problem) return `${key} ${problem}`;
  }
  return undefined;
}

function nonNegativeNumber(value: unknown): string | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? undefined : 'must be a number ≥ 0';
}

function boolean(value: unknown): string | undefined {
  return typeof value === 'boolean' ? undefined : 'must be true or false';
}
