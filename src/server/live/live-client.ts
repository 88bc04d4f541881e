/**
 * One live WebSocket: what it subscribed to, the changes waiting for the next flush, and
 * the backpressure rule. A client that cannot keep up is dropped (close 1013) rather than
 * buffered for without bound; it reconnects and reloads, which is cheaper for everyone.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import type { Actor } from '../../runtime/element-service.js';
import type { LiveMessage } from '../../runtime/views.js';
import type { LiveOptions } from '../server-types.js';

/** Close code for "try again later" (RFC 6455 registry). */
export const CLOSE_TOO_SLOW = 1013;
/** Most changes held for one flush; more means the client is far behind. */
const MAX_QUEUED = 50_000;
const MAX_SUBSCRIBED_ELEMENTS = 10_000;
/**
 * What an overview subscriber gets for every element: enough to show each element's state and
 * alarms, without the parameter and row traffic that would flood a screen of thousands.
 */
const OVERVIEW_TYPES: ReadonlySet<LiveMessage['type']> = new Set(['element', 'element-removed', 'alarm']);
const USAGE = 'send JSON: {"subscribe": {"elements": ["id", …] | "*", "overview": true}}';

/** A frame the client may send: `elements` and `overview` may come alone or together. */
export type ClientRequest = { subscribe?: SubscriptionChange; unsubscribe?: SubscriptionChange };
type SubscriptionChange = { elements?: unknown; overview?: unknown };
type ValidChange = { elements?: string[] | '*'; overview?: boolean };

export class LiveClient {
  /** Answered the last ping (the heartbeat drops clients that did not). */
  alive = true;
  private dropped = false;
  private everything = false;
  private overview = false;
  private readonly elements = new Set<string>();
  private queue: string[] = [];

  constructor(
    readonly socket: WebSocket,
    private readonly actor: Actor,
    private readonly options: LiveOptions,
    private readonly log: FastifyBaseLogger,
    /** The connection's credentials still hold (checked at every heartbeat). */
    readonly stillSignedIn: () => boolean,
  ) {}

  /**
   * True when this client wants a change of this type of the element (null: changes not tied
   * to one element, which overview subscribers get too).
   */
  wants(elementId: string | null, type: LiveMessage['type']): boolean {
    if (this.dropped) return false;
    if (this.everything || (elementId !== null && this.elements.has(elementId))) return true;
    return this.overview && (elementId === null || OVERVIEW_TYPES.has(type));
  }

  /** Queues a serialized change; false when the client had to be dropped. */
  enqueue(json: string): boolean {
    if (this.queue.length >= MAX_QUEUED) return this.drop();
    this.queue.push(json);
    return true;
  }

  /** Sends everything queued as one JSON array, unless the client has not drained the last ones. */
  flush(): void {
    if (this.queue.length === 0 || this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > this.options.maxBufferedBytes) {
      this.drop();
      return;
    }
    const batch = this.queue.length === 1 ? `[${this.queue[0]}]` : `[${this.queue.join(',')}]`;
    this.queue = [];
    this.socket.send(batch);
  }

  /** Applies a subscribe/unsubscribe request and answers with the resulting subscription. */
  handle(raw: string): void {
    let request: ClientRequest;
    try {
      request = JSON.parse(raw) as ClientRequest;
    } catch {
      return this.reply({ type: 'error', error: { code: 'BAD_REQUEST', message: USAGE } });
    }
    const subscribing = request?.subscribe !== undefined;
    const change = subscribing ? request.subscribe : request?.unsubscribe;
    const problem = this.problemWith(change, subscribing);
    if (problem) return this.reply({ type: 'error', error: { code: 'VALIDATION', ...problem } });
    const { elements, overview } = change as ValidChange;
    if (subscribing) {
      if (elements !== undefined) this.subscribe(elements);
      if (overview) this.overview = true;
    } else {
      if (elements !== undefined) this.unsubscribe(elements);
      if (overview) this.overview = false;
    }
    this.reply({ type: 'subscribed', elements: this.everything ? '*' : [...this.elements], overview: this.overview });
  }

  /** Why a subscribe/unsubscribe body cannot be applied, naming the field; null when it can. */
  private problemWith(change: SubscriptionChange | undefined, subscribing: boolean): { field?: string; message: string } | null {
    if (typeof change !== 'object' || change === null || (change.elements === undefined && change.overview === undefined)) {
      return { message: USAGE };
    }
    const { elements, overview } = change;
    if (elements !== undefined) {
      const valid =
        elements === '*' ||
        (Array.isArray(elements) && elements.length <= MAX_SUBSCRIBED_ELEMENTS && elements.every((id) => typeof id === 'string'));
      const tooMany = Array.isArray(elements) && subscribing && this.elements.size + elements.length > MAX_SUBSCRIBED_ELEMENTS;
      if (!valid || tooMany) {
        return { field: 'elements', message: `"elements" must be "*" or a list of at most ${MAX_SUBSCRIBED_ELEMENTS} element ids` };
      }
    }
    if (overview !== undefined && typeof overview !== 'boolean') return { field: 'overview', message: '"overview" must be a boolean' };
    return null;
  }

  private subscribe(elements: string[] | '*'): void {
    if (elements === '*') this.everything = true;
    else for (const id of elements) this.elements.add(id);
  }

  private unsubscribe(elements: string[] | '*'): void {
    if (elements === '*') {
      this.everything = false;
      this.elements.clear();
    } else for (const id of elements) this.elements.delete(id);
  }

  private reply(message: Record<string, unknown>): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify([message]));
  }

  private drop(): false {
    this.log.warn({ user: this.actor.user, address: this.actor.address, buffered: this.socket.bufferedAmount }, 'live client too slow: dropped');
    this.dropped = true;
    this.queue = [];
    this.socket.close(CLOSE_TOO_SLOW, 'client too slow');
    return false;
  }
}
