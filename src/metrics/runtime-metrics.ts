/**
 * What the runtime and the store report for `/metrics`. The runtime depends on this small
 * interface only; {@link PrometheusMetrics} implements it with prom-client.
 */
export interface RuntimeMetrics {
  /** A poll group of an element of `connectorId` finished, successfully or not. */
  observePoll(connectorId: string, groupId: string, durationMs: number, ok: boolean): void;
  /** A periodic poll group of an element of `connectorId` started `latenessMs` after its due time. */
  observePollLateness(connectorId: string, latenessMs: number): void;
  /** A device request ended: its HTTP status, or `network` / `timeout` when no answer came. */
  observeRequest(outcome: number | 'network' | 'timeout'): void;
  /** Jobs waiting in all element queues together. */
  setQueueDepth(depth: number): void;
  /** Device work allowed at once: the configured limit, or more while polls fall behind. */
  setPollConcurrency(limit: number): void;
  /** A write-behind flush: which writer (`values`, `alarms`, `trends`), how long, how many rows. */
  observeStoreFlush(writer: string, durationMs: number, rows: number): void;
}
