/**
 * `tally sim amagi-cloudport`: a simulated CLOUDPORT Service Manager over HTTPS (self-signed
 * certificate generated at start) or plain HTTP with `tls: false`.
 */
import type { RunningSimulator, SimulatorOptions } from '../../../src/sdk/index.js';
import { isOff, isOn, optionalNumber, optionalString, selfSignedCertificate } from '../../../src/sdk/simulator-kit/index.js';
import { CloudportModel, DEFAULT_PASSWORD, DEFAULT_USERNAME } from './cloudport-model.js';
import { listen } from './http-adapter.js';

export const DEFAULT_PORT = 8443;

/** A running simulator, with its model exposed for tests and the simulator farm. */
export interface RunningCloudport extends RunningSimulator {
  model: CloudportModel;
}

/**
 * Starts one simulated service. Options (CLI flags arrive as strings): host, port, tls (or
 * http: true for plain HTTP), seed, username, password, tokenTtl (seconds), switchoverMs,
 * fixMs, feeds, volatility, customer.
 */
export async function start(options: SimulatorOptions = {}): Promise<RunningCloudport> {
  const host = options.host ?? '127.0.0.1';
  // `--http` is the CLI's way to ask for plain HTTP (its `--tls` flag can only switch TLS on).
  const tls = !isOff(options.tls) && !isOn(options.http);
  const username = optionalString(options.username) ?? DEFAULT_USERNAME;
  const password = optionalString(options.password) ?? DEFAULT_PASSWORD;
  const tokenTtl = optionalNumber(options.tokenTtl);
  const model = new CloudportModel({
    seed: optionalNumber(options.seed),
    customer: optionalString(options.customer),
    username,
    password,
    tokenTtlMs: tokenTtl === undefined ? undefined : tokenTtl * 1000,
    switchoverMs: optionalNumber(options.switchoverMs),
    fixMs: optionalNumber(options.fixMs),
    feeds: optionalNumber(options.feeds),
    volatility: optionalNumber(options.volatility),
  });
  const certificate = tls ? await selfSignedCertificate(host) : undefined;
  const adapter = await listen(model, { host, port: optionalNumber(options.port) ?? DEFAULT_PORT, tls: certificate });
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `${tls ? 'https' : 'http'}://${urlHost}:${adapter.port}`,
    port: adapter.port,
    model,
    elementTemplate: {
      connection: { host, port: adapter.port, tls, skipTlsVerify: tls },
      params: { username, password },
    },
    close: () => adapter.close(),
  };
}

export { CloudportModel, DEFAULT_PASSWORD, DEFAULT_USERNAME, type Faults, type ModelOptions } from './cloudport-model.js';
export { handleControl } from './sim-control.js';
export type { SimRequest, SimResponse } from './responses.js';
