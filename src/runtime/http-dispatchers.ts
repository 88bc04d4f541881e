/**
 * The undici dispatchers every element shares: one keep-alive Agent (its per-origin pools
 * are shared by all elements talking to the same device), one that skips TLS verification
 * for elements configured with `skipTlsVerify`, and one ProxyAgent per proxy and TLS mode.
 * With HTTP threads (see http-threads.ts), each thread has these and the runtime routes.
 */
import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import { proxyFor } from './proxy-decision.js';
import type { HttpThreads } from './http-threads.js';

/** What a session dispatches with: undici's options, and the body cap an HTTP thread applies too. */
export type ExchangeOptions = Dispatcher.DispatchOptions & { maxBodyBytes?: number };

/** The one method of a dispatcher a session uses: an undici dispatcher, or an HTTP thread's. */
export interface ExchangeDispatcher {
  dispatch(options: ExchangeOptions, handler: Dispatcher.DispatchHandler): boolean;
}

const KEEP_ALIVE_MS = 30_000;

export class HttpDispatchers {
  /**
   * One keep-alive connection per device (undici then makes a plain Client per origin, not a
   * Pool): an element's requests run one after another anyway, and a Pool's request queue
   * alone costs 16 KB per origin — 160 MB for 10,000 devices.
   */
  private readonly options = { connections: 1, keepAliveTimeout: KEEP_ALIVE_MS, keepAliveMaxTimeout: 10 * KEEP_ALIVE_MS };
  private readonly verifying = new Agent(this.options);
  private insecure: Agent | null = null;
  private readonly proxies = new Map<string, ProxyAgent>();

  /** `threads`: when given, exchanges run there and this process only decides their route. */
  constructor(
    private readonly env: Record<string, string | undefined> = process.env,
    private readonly threads?: HttpThreads,
  ) {}

  /** The dispatcher for requests to `target` from an element with these settings. */
  forTarget(target: URL, deviceAddress: string, skipTlsVerify: boolean): ExchangeDispatcher {
    const proxy = proxyFor(target, deviceAddress, this.env);
    if (this.threads) return this.threads.dispatcher({ proxy, skipTlsVerify });
    return this.forRoute(proxy, skipTlsVerify);
  }

  /** The dispatcher of this process for a decided route. */
  forRoute(proxy: string | null, skipTlsVerify: boolean): Dispatcher {
    if (proxy) return this.proxy(proxy, skipTlsVerify);
    if (!skipTlsVerify) return this.verifying;
    this.insecure ??= new Agent({ ...this.options, connect: { rejectUnauthorized: false } });
    return this.insecure;
  }

  async close(): Promise<void> {
    await this.threads?.close();
    const all: Dispatcher[] = [this.verifying, ...this.proxies.values()];
    if (this.insecure) all.push(this.insecure);
    await Promise.all(all.map((dispatcher) => dispatcher.close().catch(() => undefined)));
  }

  private proxy(uri: string, skipTlsVerify: boolean): ProxyAgent {
    const key = `${skipTlsVerify ? 'insecure' : 'verify'} ${uri}`;
    let agent = this.proxies.get(key);
    if (!agent) {
      agent = new ProxyAgent({ uri, ...this.options, requestTls: { rejectUnauthorized: !skipTlsVerify } });
      this.proxies.set(key, agent);
    }
    return agent;
  }
}
