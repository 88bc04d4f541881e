/**
 * The one WebSocket to /api/live. It subscribes to what the open views need, hands
 * messages over once per animation frame, shows when it is lost and comes back with
 * backoff; after a comeback views reload, since changes made meanwhile were not pushed.
 */
import { reconnectDelay } from '../logic/backoff.js';
import { FrameBatcher } from '../logic/frame-batcher.js';
import { subscriptionFrames, SubscriptionSet, type Scope, type Subscription } from '../logic/subscriptions.js';
import type { LiveMessage } from './types.js';

export type LiveStatus =
  | { state: 'connecting' }
  | { state: 'open' }
  | { state: 'lost'; retryAt: number; attempt: number };

type Listener<T> = (value: T) => void;

export class LiveSocket {
  private socket: WebSocket | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private wasOpen = false;
  private running = false;
  private sent: Subscription | null = null;
  private readonly subscriptions = new SubscriptionSet();
  private readonly messageListeners = new Set<Listener<LiveMessage[]>>();
  private readonly statusListeners = new Set<Listener<LiveStatus>>();
  private readonly reconnectListeners = new Set<() => void>();
  /** Run once at the server's next subscription confirmation. */
  private readonly confirmationListeners = new Set<() => void>();
  private readonly batcher = new FrameBatcher<LiveMessage>((messages) => {
    for (const listener of this.messageListeners) listener(messages);
  });
  status: LiveStatus = { state: 'connecting' };

  constructor(private readonly url: () => string = defaultLiveUrl) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  stop(): void {
    this.running = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.socket?.close();
    this.socket = null;
    this.attempt = 0;
    this.wasOpen = false;
  }

  /** Claims live updates for some elements, all of them, or the overview; returns the release. */
  subscribe(scope: Scope): () => void {
    const id = this.subscriptions.claim(scope);
    this.sendSubscription();
    return () => {
      this.subscriptions.release(id);
      this.sendSubscription();
    };
  }

  onMessages(listener: Listener<LiveMessage[]>): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  onStatus(listener: Listener<LiveStatus>): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Runs after the socket came back from a loss: reload what the view shows. */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /**
   * What a view does to stay live: claims its scope, takes the messages, and reloads its
   * snapshot after a comeback (changes made while the socket was lost were not pushed).
   * Returns one function that undoes all three.
   */
  follow(scope: Scope, onMessages: Listener<LiveMessage[]>, reload: () => void): () => void {
    // The view's first snapshot may be read before the server applies the subscription; a
    // change between the two would be lost for good, so load again once it is confirmed.
    const reloadOnConfirmation = () => {
      this.confirmationListeners.delete(reloadOnConfirmation);
      reload();
    };
    this.confirmationListeners.add(reloadOnConfirmation);
    const release = this.subscribe(scope);
    const stopMessages = this.onMessages(onMessages);
    const stopReconnect = this.onReconnect(reload);
    return () => {
      this.confirmationListeners.delete(reloadOnConfirmation);
      release();
      stopMessages();
      stopReconnect();
    };
  }

  /** Reconnects at once instead of waiting for the backoff (the operator's "Retry now"). */
  retryNow(): void {
    if (!this.running || this.status.state !== 'lost') return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connect();
  }

  private connect(): void {
    this.setStatus({ state: 'connecting' });
    const socket = new WebSocket(this.url());
    this.socket = socket;
    this.sent = null;
    socket.onopen = () => {
      const recovered = this.wasOpen;
      this.attempt = 0;
      this.wasOpen = true;
      this.setStatus({ state: 'open' });
      this.sendSubscription();
      if (recovered) for (const listener of this.reconnectListeners) listener();
    };
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.scheduleReconnect();
    };
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return;
    }
    const messages = Array.isArray(parsed) ? parsed : [parsed];
    const live = messages.filter((m): m is LiveMessage => typeof m === 'object' && m !== null && 'type' in m);
    if (live.some((message) => (message as { type: string }).type === 'subscribed')) {
      for (const listener of [...this.confirmationListeners]) listener();
    }
    this.batcher.push(live);
  }

  private scheduleReconnect(): void {
    if (!this.running) return;
    const delay = reconnectDelay(this.attempt);
    this.attempt += 1;
    this.setStatus({ state: 'lost', retryAt: Date.now() + delay, attempt: this.attempt });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private sendSubscription(): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    const wanted = this.subscriptions.union();
    for (const frame of subscriptionFrames(this.sent, wanted)) socket.send(JSON.stringify(frame));
    this.sent = wanted;
  }

  private setStatus(status: LiveStatus): void {
    this.status = status;
    for (const listener of this.statusListeners) listener(status);
  }
}

function defaultLiveUrl(): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/live`;
}

export const live = new LiveSocket();
