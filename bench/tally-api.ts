/** The bench's API client: what a script driving Tally over HTTP and the live WebSocket does. */
import { Agent, request } from 'undici';
import WebSocket from 'ws';

export interface ApiAnswer<T> {
  status: number;
  body: T;
}

export class TallyApi {
  private readonly dispatcher = new Agent({ connections: 64, keepAliveTimeout: 30_000 });

  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  async call<T = any>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const answer = await this.send(method, path, body);
    return { status: answer.status, body: (answer.body ? JSON.parse(answer.body) : null) as T };
  }

  /** The answer as text, for what is not JSON (`/metrics`). */
  async send(method: string, path: string, body?: unknown): Promise<ApiAnswer<string>> {
    const answer = await request(this.url + path, {
      method: method as 'GET',
      dispatcher: this.dispatcher,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
    });
    return { status: answer.statusCode, body: await answer.body.text() };
  }

  /** Runs `work` for each item with at most `parallel` at a time. */
  static async inParallel<T>(items: readonly T[], parallel: number, work: (item: T, position: number) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < items.length) {
        const position = next++;
        await work(items[position], position);
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
  }

  /** Opens /api/live subscribed to `elements`; `onMessage` gets every change with its arrival time. */
  async live(elements: string[], onMessage: (message: any, at: number) => void, now: () => number): Promise<WebSocket> {
    const socket = new WebSocket(`${this.url.replace(/^http/, 'ws')}/api/live`, { headers: { authorization: `Bearer ${this.token}` } });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.on('message', (data) => {
      const at = now();
      const parsed = JSON.parse(data.toString()) as unknown;
      for (const message of Array.isArray(parsed) ? parsed : [parsed]) onMessage(message, at);
    });
    socket.send(JSON.stringify({ subscribe: { elements } }));
    return socket;
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}
