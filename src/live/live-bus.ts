/**
 * The in-process live bus: the runtime and the alarm engine publish changes, the WebSocket
 * layer and the alarm/trend engines subscribe. Delivery is synchronous and a throwing
 * subscriber cannot hurt the publisher or the others.
 */
import type { LiveMessage } from '../runtime/views.js';

export type LiveSubscriber = (message: LiveMessage) => void;

export class LiveBus {
  private readonly subscribers = new Set<LiveSubscriber>();

  subscribe(subscriber: LiveSubscriber): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  publish(message: LiveMessage): void {
    for (const subscriber of this.subscribers) {
      try {
        subscriber(message);
      } catch {
        // A broken subscriber must not stop the runtime or the other subscribers.
      }
    }
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }
}
