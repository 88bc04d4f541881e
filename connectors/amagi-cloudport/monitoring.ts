/** The normal polling: account (version, summary) and the Cloudport Services table. */
import type { ElementContext, Row, Value } from '../../src/sdk/index.js';
import { parseServices, parseSummary, parseVersion, PATHS } from './cloudport-api.js';
import { cloudportRequest } from './cloudport-session.js';

export async function pollAccount(ctx: ElementContext): Promise<void> {
  await reportParams(ctx, PATHS.version, parseVersion, (info) => ({
    customerName: info.customer,
    automationVersion: info.automationVersion,
    liveVersion: info.liveVersion,
    playoutVersions: info.playoutVersions,
  }));
  await reportParams(ctx, PATHS.summary, parseSummary, (health) => ({
    healthStatus: health.healthStatus,
    servicesTotal: health.servicesTotal,
    servicesUnhealthy: health.servicesUnhealthy,
  }));
}

/** Asks `path` and shows what its answer says, unless it is the answer last reported. */
async function reportParams<T>(ctx: ElementContext, path: string, parse: (body: unknown) => T, params: (parsed: T) => Record<string, Value>): Promise<void> {
  const answer = await cloudportRequest(ctx, path);
  ctx.reportIfChanged(path, answer, () => ctx.setParams(params(parse(answer.json()))));
}

/**
 * The active headend shown depends on the Switchover Feed as well as on the answer, and the
 * switchover status poll sets it too. Both come after an operator's set or action (which
 * makes the next answer count as new), and this poll does not run while a switchover is
 * watched, so an answer it skips cannot leave another value than its own showing.
 */
export async function pollServices(ctx: ElementContext): Promise<void> {
  const answer = await cloudportRequest(ctx, PATHS.services);
  ctx.reportIfChanged(PATHS.services, answer, () => {
    const rows = parseServices(answer.json());
    ctx.fillTable('cloudportServices', rows);
    showActiveHeadend(ctx, rows, ctx.param('switchoverFeed'));
  });
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
