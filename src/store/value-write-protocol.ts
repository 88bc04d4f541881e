/** The messages between the store and its value write thread. */
import type { ValueBatch } from './types.js';

export interface ValueWriteThreadData {
  /** The SQLite file. */
  path: string;
  /** How often the thread checkpoints the WAL, ms. */
  checkpointMs: number;
}

export type ValueWriteRequest =
  | { id: number; kind: 'batch'; batch: ValueBatch }
  | { id: number; kind: 'deleteElement'; elementId: string }
  | { id: number; kind: 'close' };

export interface ValueWriteReply {
  id: number;
  /** Why the request failed; absent when it was written. */
  error?: string;
}
