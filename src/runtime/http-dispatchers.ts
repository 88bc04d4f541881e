/**
 * The dispatchers every element shares: Tally's own device connections for direct routes
 * (device-connections.ts; one keep-alive connection per device, shared by all elements
 * talking to it), a second set that skips TLS verification for elements configured with
 * `skipTlsVerify`, and one undici ProxyAgent per proxy and TLS mode. With HTTP threads (see
 * http-threads.ts), each thread has these and the runtime routes.
 */
import { ProxyAgent, type Dispatcher } from 'undici';
import { DeviceConnections } from './device-connections.js';
import { proxyFor } from './proxy-decision.js';
import type { HttpThreads } from './http-threads.js';

/** What a session dispatches with: undici's options, and the body cap an HTTP thread applies too. */
export type ExchangeOptions = Dispatcher.DispatchOptions & { maxBodyBytes?: number };

/** The one method of a dispatcher a session uses: an undici dispatcher, or an HTTP thread's. */
export interface ExchangeDispatcher {
  dispatch(options: ExchangeOptions, handler: Dispatcher.DispatchHandler): boolean;
}

/** A dispatcher this process owns and closes when Tally stops. */
interface OwnedDispatcher extends ExchangeDispatcher {
  close(): Promise<void>;
}

const KEEP_ALIVE_MS = 30_000;

export class HttpDispatchers {
  /**
   * Through a proxy too, one keep-alive connection per device (undici then makes a plain
   * Client per origin, not a Pool): an element's requests run one after another anyway, and
   * a Pool's request queue alone costs 16 KB per origin — 160 MB for 10,000 devices.
   */
  private readonly proxyOptions = { connections: 1, keepAliveTimeout: KEEP_ALIVE_MS, keepAliveMaxTimeout: 10 * KEEP_ALIVE_MS };
  private readonly verifying = new DeviceConnections({ keepAliveTimeout: KEEP_ALIVE_MS });
  private insecure: DeviceConnections | null = null;
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
  forRoute(proxy: string | null, skipTlsVerify: boolean): ExchangeDispatcher {
    if (proxy) return this.proxy(proxy, skipTlsVerify);
    if (!skipTlsVerify) return this.verifying;
    this.insecure ??= new DeviceConnections({ keepAliveTimeout: KEEP_ALIVE_MS, rejectUnauthorized: false });
    return this.insecure;
  }

  async close(): Promise<void> {
    await this.threads?.close();
    const all: OwnedDispatcher[] = [this.verifying, ...this.proxies.values()];
    if (this.insecure) all.push(this.insecure);
    await Promise.all(all.map((dispatcher) => dispatcher.close().catch(() => undefined)));
  }

  private proxy(uri: string, skipTlsVerify: boolean): ProxyAgent {
    const key = `${skipTlsVerify ? 'insecure' : 'verify'} ${uri}`;
    let agent = this.proxies.get(key);
    if (!agent) {
      agent = new ProxyAgent({ uri, ...this.proxyOptions, requestTls: { rejectUnauthorized: !skipTlsVerify } });
      this.proxies.set(key, agent);
    }
    return agent;
  }
}
