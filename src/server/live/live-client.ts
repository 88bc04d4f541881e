/**
 * One live WebSocket: what it subscribed to, the changes waiting for the next flush, and
 * the backpressure rule. A client that cannot keep up is dropped (close 1013) rather than
 * buffered for without bound; it reconnects and reloads, which is cheaper for everyone.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import type { Actor } from '../../runtime/element-service.js';
import type { LiveOptions } from '../server-types.js';

/** Close code for "try again later" (RFC 6455 registry). */
export const CLOSE_TOO_SLOW = 1013;
/** Most changes held for one flush; more means the client is far behind. */
const MAX_QUEUED = 50_000;
const MAX_SUBSCRIBED_ELEMENTS = 10_000;

/** A frame the client may send. */
export type ClientRequest = { subscribe?: { elements?: unknown }; unsubscribe?: { elements?: unknown } };

export class LiveClient {
  /** Answered the last ping (the heartbeat drops clients that did not). */
  alive = true;
  private dropped = false;
  private everything = false;
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

  /** True when this client subscribed to the element (null: changes not tied to one element). */
  wants(elementId: string | null): boolean {
    if (this.dropped) return false;
    return this.everything || (elementId !== null && this.elements.has(elementId));
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
      return this.reply({ type: 'error', error: { code: 'BAD_REQUEST', message: 'send JSON: {"subscribe": {"elements": ["id", …] | "*"}}' } });
    }
    const change = request?.subscribe ?? request?.unsubscribe;
    const elements = change?.elements;
    const valid =
      elements === '*' ||
      (Array.isArray(elements) && elements.length <= MAX_SUBSCRIBED_ELEMENTS && elements.every((id) => typeof id === 'string'));
    const tooMany = Array.isArray(elements) && request.subscribe && this.elements.size + elements.length > MAX_SUBSCRIBED_ELEMENTS;
    if (!change || !valid || tooMany) {
      return this.reply({
        type: 'error',
        error: { code: 'VALIDATION', field: 'elements', message: `"elements" must be "*" or a list of at most ${MAX_SUBSCRIBED_ELEMENTS} element ids` },
      });
    }
    if (request.subscribe) this.subscribe(elements as string[] | '*');
    else this.unsubscribe(elements as string[] | '*');
    this.reply({ type: 'subscribed', elements: this.everything ? '*' : [...this.elements] });
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
