import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DeviceUnreachableError } from './device-failure.js';
import { ElementHttpSession } from './http-session.js';
import { HttpThreads } from './http-threads.js';
import { StreamViewer } from './stream-viewer.js';

let server: Server;
let baseUrl: string;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push(request.url ?? '');
    if (request.url !== '/hang') response.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const sessionOn = (threads: HttpThreads) =>
  new ElementHttpSession({ baseUrl, dispatcher: threads.dispatcher({ proxy: null, skipTlsVerify: false }), requestTimeout: 5_000, retries: 0 }, new StreamViewer());

it('fails the exchanges of a thread that died as an unreachable device, and starts a new one for the next exchange', async () => {
  const threads = new HttpThreads(1);
  const session = sessionOn(threads);
  expect((await session.get('/ok')).status).toBe(200);
  const hanging = session.get('/hang');
  while (!seen.includes('/hang')) await new Promise((resolve) => setTimeout(resolve, 10));
  // Private on purpose: nothing but a crash should end a thread; the test plays the crash.
  const { running } = threads as unknown as { running: { worker: Worker }[] };
  await running[0].worker.terminate();
  await expect(hanging).rejects.toThrow(DeviceUnreachableError);
  await expect(hanging).rejects.toThrow(/the HTTP thread stopped/);
  expect((await session.get('/ok')).status).toBe(200);
  await threads.close();
});

it('refuses exchanges once closed, as a stopping Tally', async () => {
  const threads = new HttpThreads(2);
  await threads.close();
  await expect(sessionOn(threads).get('/ok')).rejects.toThrow(/Tally is stopping/);
  expect(() => new HttpThreads(0)).toThrow(RangeError);
});
