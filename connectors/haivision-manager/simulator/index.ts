/**
 * `tally sim haivision-manager`: a StreamHub / Haivision Manager simulator on HTTP
 * (8893) or HTTPS (8896, self-signed certificate generated at start).
 */
import { randomInt } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { RunningSimulator, SimulatorOptions } from '../../../src/sdk/index.js';
import { isOn, optionalNumber, selfSignedCertificate } from '../../../src/sdk/simulator-kit/index.js';
import { DeviceModel } from './device-model.js';
import { createRequestListener } from './http-adapter.js';
import { SimulatorInstance } from './simulator-instance.js';

export { DeviceModel, type DeviceModelOptions } from './device-model.js';
export { SimulatorInstance } from './simulator-instance.js';
export { createRequestListener } from './http-adapter.js';

export const DEFAULT_HTTP_PORT = 8893;
export const DEFAULT_HTTPS_PORT = 8896;
export const DEFAULT_API_KEY = 'streamhub-sim-key';

/** A running simulator, with its device model and faults reachable in-process. */
export interface HaivisionSimulator extends RunningSimulator {
  readonly instance: SimulatorInstance;
}

/**
 * Options (CLI flags): host, port, tls, seed, apiKey / api-key, inputs, sdi, ndi, ip,
 * manualClock / manual-clock (time moves only through POST /_sim/advance), legacyFirmware /
 * legacy-firmware (`Identifier`, `{channels}`, `IPoutput`, no version).
 */
export async function start(options: SimulatorOptions = {}): Promise<HaivisionSimulator> {
  const tls = isOn(options.tls);
  const host = options.host ?? '127.0.0.1';
  const apiKey = String(options.apiKey ?? options['api-key'] ?? DEFAULT_API_KEY);
  const manualClock = isOn(options.manualClock) || isOn(options['manual-clock']);
  const count = (name: string): number | undefined => optionalNumber(options[name], name);
  const device = new DeviceModel({
    seed: options.seed === undefined ? randomInt(2 ** 31) : Number(options.seed),
    apiKey,
    inputs: count('inputs'),
    sdi: count('sdi'),
    ndi: count('ndi'),
    ip: count('ip'),
    now: manualClock ? undefined : Date.now(),
    legacyFirmware: isOn(options.legacyFirmware) || isOn(options['legacy-firmware']),
  });
  const instance = new SimulatorInstance(device, !manualClock);
  const listener = createRequestListener(instance);
  const server: Server = tls ? createHttpsServer(await selfSignedCertificate(host), listener) : createHttpServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port === undefined ? (tls ? DEFAULT_HTTPS_PORT : DEFAULT_HTTP_PORT) : Number(options.port), host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  // A wildcard address is where the simulator listens, not an address to connect to.
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const urlHost = reachable.includes(':') ? `[${reachable}]` : reachable;
  return {
    url: `${tls ? 'https' : 'http'}://${urlHost}:${port}`,
    port,
    instance,
    elementTemplate: { connection: { host: reachable, port, tls, skipTlsVerify: tls }, params: { apiKey } },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // hung requests would otherwise hold close() open
      }),
  };
}
