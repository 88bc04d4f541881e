/** Information events (sets, state changes, actions, configuration) go to the store and out live. */
import type { LiveBus } from '../live/live-bus.js';
import type { InfoEvent } from '../store/types.js';
import type { ValueWriter } from './value-cache.js';

export function recordEvent(deps: { writer: ValueWriter; bus: LiveBus }, event: InfoEvent): void {
  deps.writer.queueEvent(event);
  deps.bus.publish({ type: 'event', event });
}
