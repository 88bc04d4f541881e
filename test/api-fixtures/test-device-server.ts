/**
 * A small HTTP device for the end-to-end tests: status, outputs, a label that can be set,
 * and actions, behind an API key. It records what it was asked so tests can check that an
 * action really reached the device.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningSimulator, SimulatorOptions } from '../../src/sdk/index.js';

export interface TestDeviceState {
  model: string;
  temperature: number;
  label: string;
  outputs: { id: string; name: string; status: 'on' | 'off' }[];
  received: { method: string; url: string; body: string }[];
}

export interface TestDevice extends RunningSimulator {
  state: TestDeviceState;
  apiKey: string;
}

export async function startTestDevice(options: SimulatorOptions = {}): Promise<TestDevice> {
  const apiKey = String(options.apiKey ?? 'test-device-key');
  const state: TestDeviceState = {
    model: 'TD-1',
    temperature: 21.5,
    label: '',
    outputs: [
      { id: 'out1', name: 'Output 1', status: 'on' },
      { id: 'out2', name: 'Output 2', status: 'off' },
    ],
    received: [],
  };
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    state.received.push({ method: request.method ?? '', url: request.url ?? '', body });
    const send = (status: number, payload: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(payload));
    };
    if (request.headers['x-api-key'] !== apiKey) return send(401, { error: 'bad api key' });
    const toggle = /^\/outputs\/([\w-]+)\/toggle$/.exec(request.url ?? '');
    if (request.method === 'GET' && request.url === '/status') {
      return send(200, { model: state.model, temperature: state.temperature, label: state.label, outputs: state.outputs });
    }
    if (request.method === 'POST' && request.url === '/label') {
      state.label = String((JSON.parse(body) as { label: unknown }).label);
      return send(200, { ok: true });
    }
    if (request.method === 'POST' && toggle) {
      const output = state.outputs.find((candidate) => candidate.id === toggle[1]);
      if (!output) return send(404, { error: 'no such output' });
      output.status = output.status === 'on' ? 'off' : 'on';
      return send(200, { ok: true, status: output.status });
    }
    if (request.method === 'POST' && request.url === '/reboot') return send(200, { ok: true });
    send(404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(Number(options.port ?? 0), String(options.host ?? '127.0.0.1'), resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    state,
    apiKey,
    elementTemplate: { connection: { host: '127.0.0.1', port, tls: false }, params: { apiKey } },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
