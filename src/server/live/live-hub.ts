/**
 * Fans live-bus changes out to WebSocket clients. Each change is serialized once however
 * many clients want it; all clients are flushed by one timer and pinged by one heartbeat,
 * so the cost grows with traffic, not with the number of timers.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import type { LiveBus } from '../../live/live-bus.js';
import type { Actor } from '../../runtime/element-service.js';
import type { LiveMessage } from '../../runtime/views.js';
import type { LiveOptions } from '../server-types.js';
import { LiveClient } from './live-client.js';

/** Close code for "the credentials no longer hold" (RFC 6455: policy violation). */
const CLOSE_POLICY_VIOLATION = 1008;

export const DEFAULT_LIVE_OPTIONS: LiveOptions = { flushMs: 25, maxBufferedBytes: 1024 * 1024, heartbeatMs: 30_000 };

export class LiveHub {
  private readonly clients = new Set<LiveClient>();
  private readonly pending = new Set<LiveClient>();
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(
    bus: LiveBus,
    private readonly options: LiveOptions,
    private readonly log: FastifyBaseLogger,
  ) {
    this.unsubscribe = bus.subscribe((message) => this.dispatch(message));
    this.heartbeat = setInterval(() => this.ping(), options.heartbeatMs);
    this.heartbeat.unref();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Takes over an accepted socket until it closes. */
  attach(socket: WebSocket, actor: Actor, stillSignedIn: () => boolean): LiveClient {
    const client = new LiveClient(socket, actor, this.options, this.log, stillSignedIn);
    this.clients.add(client);
    socket.on('message', (data, isBinary) => {
      if (!isBinary) client.handle(data.toString());
    });
    socket.on('pong', () => {
      client.alive = true;
    });
    socket.on('close', () => {
      this.clients.delete(client);
      this.pending.delete(client);
    });
    return client;
  }

  /** Says goodbye to every client; those that do not answer within the grace period are cut off. */
  async close(graceMs = 1000): Promise<void> {
    this.unsubscribe();
    clearInterval(this.heartbeat);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const closed = [...this.clients].map(
      (client) =>
        new Promise<void>((resolve) => {
          client.socket.once('close', () => resolve());
          client.socket.close(1001, 'Tally is shutting down');
        }),
    );
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(closed), new Promise((resolve) => (grace = setTimeout(resolve, graceMs)))]);
    clearTimeout(grace);
    for (const client of this.clients) client.socket.terminate();
  }

  private dispatch(message: LiveMessage): void {
    if (this.clients.size === 0) return;
    const elementId = elementOf(message);
    const type = message.type;
    let json: string | undefined;
    for (const client of this.clients) {
      if (!client.wants(elementId, type)) continue;
      json ??= JSON.stringify(message);
      if (client.enqueue(json)) this.pending.add(client);
    }
    if (this.pending.size > 0 && !this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flush(), this.options.flushMs);
    }
  }

  private flush(): void {
    this.flushTimer = null;
    for (const client of this.pending) client.flush();
    this.pending.clear();
  }

  private ping(): void {
    for (const client of this.clients) {
      if (!client.alive) {
        client.socket.terminate();
        continue;
      }
      if (!client.stillSignedIn()) {
        client.socket.close(CLOSE_POLICY_VIOLATION, 'signed out');
        continue;
      }
      client.alive = false;
      client.socket.ping();
    }
  }
}

/** The element a change belongs to; null for changes of the platform as a whole. */
function elementOf(message: LiveMessage): string | null {
  switch (message.type) {
    case 'element':
      return message.element.id;
    case 'event':
      return message.event.elementId;
    case 'alarm':
      return typeof message.alarm.elementId === 'string' ? message.alarm.elementId : null;
    default:
      return message.elementId;
  }
}
