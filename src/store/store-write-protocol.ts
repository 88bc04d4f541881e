/** The messages between the store and its write thread. */
import type { TrendBatch } from '../trends/trend-store.js';
import type { SqlWrite, SqlWriteResult } from './statement-writer.js';
import type { ValueBatch } from './types.js';

export interface StoreWriteThreadData {
  /** The SQLite file. */
  path: string;
  /** How often the thread checkpoints the WAL, ms. */
  checkpointMs: number;
}

export type StoreWriteRequest =
  | { id: number; kind: 'values'; batch: ValueBatch }
  | { id: number; kind: 'deleteElement'; elementId: string }
  | { id: number; kind: 'trends'; batch: TrendBatch }
  | { id: number; kind: 'statements'; writes: SqlWrite[] }
  | { id: number; kind: 'close' };

export interface StoreWriteReply {
  id: number;
  /** Why the request failed; absent when it was written. */
  error?: string;
  /** What each statement of a `statements` request did. */
  results?: SqlWriteResult[];
}
