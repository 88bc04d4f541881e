/**
 * The messages between the runtime and its HTTP threads (see http-threads.ts). Each side
 * sends what a turn of its event loop produced as one array: waking a thread costs more
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

/** Collects messages until the end of this turn of the event loop, then sends them as one. */
export class Batch<T> {
  private items: T[] = [];
  private transfer: ArrayBuffer[] = [];
  private scheduled = false;

  constructor(private readonly send: (items: T[], transfer: ArrayBuffer[]) => void) {}

  add(item: T, transferred?: ArrayBuffer): void {
    this.items.push(item);
    if (transferred) this.transfer.push(transferred);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    const { items, transfer } = this;
    this.items = [];
    this.transfer = [];
    this.scheduled = false;
    this.send(items, transfer);
  }
}
