/**
 * A StreamHub simulator in a process of its own, for the resilience suite: the device's
 * memory (a 50 MB answer is built here) never counts against Tally's, and killing the
 * process is a device that went away. Faults go through the simulator's own `/_sim/faults`;
 * the one fault the simulator lacks — a TCP reset in the middle of a body — is added here.
 *
 *   argv[2]: {"port": 0, "tls": false, "apiKey": "…", "seed": 1}
 *   IPC in: {"resetMidBody": boolean} → out: {"resetMidBody": boolean}; out at start: {"port"}
 */
import { createServer as createHttpServer, type RequestListener, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { DeviceModel, SimulatorInstance, createRequestListener } from '../../connectors/haivision-manager/simulator/index.js';
import { selfSignedCertificate } from '../../src/sdk/simulator-kit/index.js';

const options = JSON.parse(process.argv[2] ?? '{}') as { port?: number; tls?: boolean; apiKey: string; seed?: number };
const instance = new SimulatorInstance(new DeviceModel({ seed: options.seed ?? 1, apiKey: options.apiKey, now: Date.now() }), true);
const answer = createRequestListener(instance);
let resetMidBody = false;

/** Sends the headers and half the body, then resets the connection. */
function cutMidBody(response: ServerResponse): void {
  response.end = ((chunk?: unknown) => {
    const body = Buffer.from(typeof chunk === 'string' || chunk instanceof Uint8Array ? chunk : '');
    response.write(body.subarray(0, Math.max(1, body.length >> 1)), () => response.socket?.resetAndDestroy());
    return response;
  }) as ServerResponse['end'];
}

const listener: RequestListener = (request, response) => {
  if (resetMidBody && !request.url?.startsWith('/_sim/')) cutMidBody(response);
  answer(request, response);
};

const server = options.tls ? createHttpsServer(await selfSignedCertificate('127.0.0.1'), listener) : createHttpServer(listener);
server.listen(options.port ?? 0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on('message', (message: { resetMidBody?: boolean }) => {
  if (typeof message.resetMidBody === 'boolean') resetMidBody = message.resetMidBody;
  process.send?.({ resetMidBody });
});
process.on('disconnect', () => process.exit(0));
