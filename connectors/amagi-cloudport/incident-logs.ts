/** Retrieve Logs: fills the Incident History Logs table with at most Max Logs entries. */
import { ActionRefusedError, type ElementContext } from '../../src/sdk/index.js';
import { incidentsQuery, parseIncidents, PATHS } from './cloudport-api.js';
import { cloudportRequest } from './cloudport-session.js';

export const MAX_LOGS_LIMIT = 1000;

export async function retrieveLogs(ctx: ElementContext): Promise<string> {
  const maxLogs = ctx.param('maxLogs');
  if (maxLogs === null || maxLogs === undefined || maxLogs === '') {
    throw new ActionRefusedError(`Max Logs has no value: set Max Logs (1–${MAX_LOGS_LIMIT}) before retrieving logs`, 422, 'maxLogs');
  }
  if (typeof maxLogs !== 'number' || !Number.isInteger(maxLogs) || maxLogs < 1 || maxLogs > MAX_LOGS_LIMIT) {
    throw new ActionRefusedError(`Max Logs must be a whole number from 1 to ${MAX_LOGS_LIMIT}, not ${String(maxLogs)}`, 422, 'maxLogs');
  }
  const incidents = parseIncidents((await cloudportRequest(ctx, PATHS.incidents, { query: incidentsQuery(maxLogs) })).json());
  const rows = incidents.rows.slice(0, maxLogs);
  ctx.fillTable('incidentHistoryLogs', rows);
  return `Retrieved ${rows.length} of ${incidents.total ?? rows.length} incidents`;
}
