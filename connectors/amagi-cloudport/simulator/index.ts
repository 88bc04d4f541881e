/**
 * `tally sim amagi-cloudport`: a simulated CLOUDPORT Service Manager over HTTPS (self-signed
 * certificate generated at start) or plain HTTP with `tls: false`.
 */
import { generate } from 'selfsigned';
import type { RunningSimulator, SimulatorOptions } from '../../../src/sdk/index.js';
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
  const tls = !isOff(options.tls) && options.http !== true && options.http !== 'true';
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

async function selfSignedCertificate(host: string): Promise<{ key: string; cert: string }> {
  const altNames = [{ type: 2 as const, value: 'localhost' }, /^[\d.:]+$/.test(host) ? { type: 7 as const, ip: host } : { type: 2 as const, value: host }];
  const pems = await generate([{ name: 'commonName', value: host }], {
    keyType: 'ec',
    curve: 'P-256',
    notAfterDate: new Date(Date.now() + 365 * 86_400_000),
    extensions: [{ name: 'subjectAltName', altNames }],
  });
  return { key: pems.private, cert: pems.cert };
}

function isOff(value: unknown): boolean {
  return value === false || value === 'false' || value === 'off' || value === '0' || value === 0;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function optionalNumber(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const number = Number(value);
  if (!Number.isFinite(number)) throw new Error(`expected a number, got ${String(value)}`);
  return number;
}

export { CloudportModel, DEFAULT_PASSWORD, DEFAULT_USERNAME, type Faults, type ModelOptions } from './cloudport-model.js';
export { handleControl } from './sim-control.js';
export type { SimRequest, SimResponse } from './responses.js';
