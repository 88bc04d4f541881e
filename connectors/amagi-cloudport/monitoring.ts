/** The normal polling: account (version, summary) and the Cloudport Services table. */
import type { ElementContext, Row } from '../../src/sdk/index.js';
import { parseServices, parseSummary, parseVersion, PATHS } from './cloudport-api.js';
import { cloudportRequest } from './cloudport-session.js';

export async function pollAccount(ctx: ElementContext): Promise<void> {
  const version = parseVersion((await cloudportRequest(ctx, PATHS.version)).json());
  const summary = parseSummary((await cloudportRequest(ctx, PATHS.summary)).json());
  ctx.setParams({
    customerName: version.customer,
    automationVersion: version.automationVersion,
    liveVersion: version.liveVersion,
    playoutVersions: version.playoutVersions,
    healthStatus: summary.healthStatus,
    servicesTotal: summary.servicesTotal,
    servicesUnhealthy: summary.servicesUnhealthy,
  });
}

export async function pollServices(ctx: ElementContext): Promise<void> {
  const rows = parseServices((await cloudportRequest(ctx, PATHS.services)).json());
  ctx.fillTable('cloudportServices', rows);
  showActiveHeadend(ctx, rows, ctx.param('switchoverFeed'));
}

/** Shows which headend has `feed` on air, from the services table (nothing without a feed). */
export function showActiveHeadend(ctx: ElementContext, rows: Row[], feed: unknown): void {
  ctx.setParams({ activeHeadend: typeof feed === 'string' && feed !== '' ? activeHeadendOf(rows, feed) : null });
}

/** The headend that has `feed` on air, or null when none does. */
export function activeHeadendOf(rows: Row[], feed: string): string | null {
  const onAir = rows.find((row) => row.cells.feed === feed && row.cells.onAir === true);
  return typeof onAir?.cells.headend === 'string' ? onAir.cells.headend : null;
}
