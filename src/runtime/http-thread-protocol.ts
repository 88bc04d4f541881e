/**
 * The messages between the runtime and its HTTP threads (see http-threads.ts). Each side
 * sends what it produced within a short window as one array: waking a thread costs more
 * than the message itself, and at thousands of exchanges a second one wake per exchange
 * and per answer doubled Tally's CPU overhead.
 */

/** Which of a thread's dispatchers carries the exchange: the proxy is decided by the runtime. */
export interface HttpRoute {
  proxy: string | null;
  skipTlsVerify: boolean;
}

export type HttpThreadRequest =
  | {
      kind: 'exchange';
      id: number;
      route: HttpRoute;
      origin: string;
      path: string;
      method: string;
      headers: Record<string, string>;
      body: string | undefined;
      headersTimeout: number;
      bodyTimeout: number;
      /** Past this many body bytes the thread stops reading and sends one byte more than the cap. */
      maxBodyBytes: number;
    }
  | { kind: 'abort'; id: number };

export type HttpThreadReply =
  | {
      kind: 'response';
      id: number;
      status: number;
      statusMessage: string;
      headers: Record<string, string | string[] | undefined>;
      /** Transferred, not copied. */
      body: ArrayBuffer;
    }
  | {
      kind: 'failure';
      id: number;
      /** What undici said, with the fields the runtime tells failures apart by. */
      message: string;
      code: string | undefined;
      cause: string | undefined;
    };

/**
 * How long a side collects messages before it sends them. A turn of the event loop alone
 * holds one or two exchanges at a few thousand a second; 2 ms holds several, and took
 * Tally's CPU from 59–61 % to 52–54 % at 2,000 elements on one HTTP thread (bench/README.md,
 * round 4), for at most 2 ms more each way of an exchange.
 */
export const BATCH_WINDOW_MS = 2;

/** Collects messages for `windowMs` after the first, then sends them as one. */
export class Batch<T> {
  private items: T[] = [];
  private transfer: ArrayBuffer[] = [];
  private scheduled = false;

  constructor(
    private readonly send: (items: T[], transfer: ArrayBuffer[]) => void,
    private readonly windowMs = BATCH_WINDOW_MS,
  ) {}

  add(item: T, transferred?: ArrayBuffer): void {
    this.items.push(item);
    if (transferred) this.transfer.push(transferred);
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => this.flush(), this.windowMs);
  }

  private flush(): void {
    const { items, transfer } = this;
    this.items = [];
    this.transfer = [];
    this.scheduled = false;
    this.send(items, transfer);
  }
}
