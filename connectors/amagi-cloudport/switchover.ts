/**
 * Cloudport Control: the Switchover and Fix buttons and the fast switchover-status poll.
 * Poll Switchover Status Flag is on from the moment a switchover starts until the device
 * says it completed or failed, or until Switchover Timeout passes; then the services are
 * refreshed and the normal polling resumes.
 */
import { ActionRefusedError, DeviceHttpError, type ElementContext, type HttpResponse, type Value } from '../../src/sdk/index.js';
import { errorMessage, fixBody, parseFix, parseSwitchoverStart, parseSwitchoverState, PATHS, switchoverBody } from './cloudport-api.js';
import { cloudportRequest } from './cloudport-session.js';

export const SWITCHOVER_FLAG = 'pollSwitchoverStatusFlag';
export const DEFAULT_SWITCHOVER_TIMEOUT_S = 300;
export const TIMED_OUT_MESSAGE = 'switchover timed out';

/** The feed being watched: kept apart from Switchover Feed, which the operator may change meanwhile. */
const WATCHED_FEED_KEY = 'cloudport.switchoverFeed';
const WATCH_DEADLINE_KEY = 'cloudport.switchoverDeadline';
/** Answers that refuse an operation rather than fail it. */
const REFUSALS = new Set([403, 404, 409, 422]);

export async function startSwitchover(ctx: ElementContext): Promise<string> {
  const feed = chosenFeed(ctx, 'switch over');
  const response = await cloudportRequest(ctx, PATHS.switchover(feed), {
    method: 'POST',
    body: switchoverBody(optionalText(ctx.param('switchoverTarget'))),
    accept: acceptRefusals,
  });
  refuseIfRefused(response, feed);
  const started = parseSwitchoverStart(response.json());
  const now = ctx.clock.now();
  const message = `switchover of ${feed} from ${started.from ?? '?'} to ${started.to ?? '?'} ${started.status}`;
  ctx.scratch.set(WATCHED_FEED_KEY, feed);
  ctx.scratch.set(WATCH_DEADLINE_KEY, now + timeoutMs(ctx));
  ctx.setParams({
    [SWITCHOVER_FLAG]: true,
    switchoverStatus: started.status,
    switchoverMessage: message,
    switchoverStartedAt: now,
    switchoverCompletedAt: null,
  });
  return `Switchover${started.id ? ` ${started.id}` : ''} of ${feed} to ${started.to ?? 'the standby headend'} started`;
}

export async function startFix(ctx: ElementContext): Promise<string> {
  const feed = chosenFeed(ctx, 'fix');
  const response = await cloudportRequest(ctx, PATHS.fix(feed), {
    method: 'POST',
    body: fixBody(optionalText(ctx.param('switchoverTarget'))),
    accept: acceptRefusals,
  });
  refuseIfRefused(response, feed);
  const fix = parseFix(response.json());
  ctx.pollNow('services');
  return `Fix of ${feed} accepted${fix.actions.length ? `: ${fix.actions.join(', ')}` : ''}`;
}

/** The fast poll while the flag is on. */
export async function pollSwitchoverStatus(ctx: ElementContext): Promise<void> {
  if (ctx.clock.now() >= deadline(ctx)) {
    stopWatching(ctx, { switchoverMessage: TIMED_OUT_MESSAGE });
    return;
  }
  const feed = watchedFeed(ctx);
  if (!feed) {
    stopWatching(ctx, { switchoverMessage: 'no switchover feed to watch' });
    return;
  }
  const state = parseSwitchoverState((await cloudportRequest(ctx, PATHS.switchover(feed))).json());
  const values: Record<string, Value> = {
    switchoverStatus: state.status,
    switchoverMessage: state.message,
    activeHeadend: state.activeHeadend,
    switchoverCompletedAt: state.completedAt,
  };
  if (state.startedAt !== null) values.switchoverStartedAt = state.startedAt;
  if (state.status === 'completed' || state.status === 'failed' || state.status === 'idle') {
    stopWatching(ctx, values);
  } else if (ctx.clock.now() >= deadline(ctx)) {
    stopWatching(ctx, { ...values, switchoverMessage: TIMED_OUT_MESSAGE });
  } else {
    ctx.setParams(values);
  }
}

function stopWatching(ctx: ElementContext, values: Record<string, Value>): void {
  ctx.scratch.delete(WATCHED_FEED_KEY);
  ctx.scratch.delete(WATCH_DEADLINE_KEY);
  ctx.setParams({ ...values, [SWITCHOVER_FLAG]: false });
  ctx.pollNow('services');
  ctx.pollNow('account');
}

function watchedFeed(ctx: ElementContext): string | undefined {
  const watched = ctx.scratch.get(WATCHED_FEED_KEY);
  return typeof watched === 'string' ? watched : optionalText(ctx.param('switchoverFeed'));
}

/** When watching stops; after a restart (scratch lost) it counts from Switchover Started At. */
function deadline(ctx: ElementContext): number {
  const kept = ctx.scratch.get(WATCH_DEADLINE_KEY);
  if (typeof kept === 'number') return kept;
  const startedAt = ctx.param('switchoverStartedAt');
  const from = typeof startedAt === 'number' ? startedAt : ctx.clock.now();
  const computed = from + timeoutMs(ctx);
  ctx.scratch.set(WATCH_DEADLINE_KEY, computed);
  return computed;
}

function timeoutMs(ctx: ElementContext): number {
  const seconds = ctx.param('switchoverTimeout');
  return (typeof seconds === 'number' && seconds > 0 ? seconds : DEFAULT_SWITCHOVER_TIMEOUT_S) * 1000;
}

function chosenFeed(ctx: ElementContext, verb: string): string {
  const feed = optionalText(ctx.param('switchoverFeed'));
  if (!feed) throw new ActionRefusedError(`Choose a feed in Switchover Feed before you ${verb}`, 422, 'switchoverFeed');
  return feed;
}

function acceptRefusals(status: number): boolean {
  return (status >= 200 && status < 300) || REFUSALS.has(status);
}

/** Turns the device's refusals into messages for the operator. */
function refuseIfRefused(response: HttpResponse, feed: string): void {
  if (response.status < 300) return;
  const reason = errorMessage(response.text) ?? response.statusLine;
  switch (response.status) {
    case 404:
      throw new ActionRefusedError(`Feed ${feed} is not known to the service (${reason})`, 404, 'switchoverFeed');
    case 409:
      throw new ActionRefusedError(`The service refused: ${reason}`, 409, 'switchoverFeed');
    case 422:
      throw new ActionRefusedError(`The service refused: ${reason}`, 422, 'switchoverTarget');
    case 403:
      throw new ActionRefusedError(`The CLOUDPORT user has no rights on feed ${feed} (${reason})`, 422, 'switchoverFeed');
    default:
      throw new DeviceHttpError(response.status, response.statusLine, response.text);
  }
}

function optionalText(value: Value): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
