/**
 * The thin node:http(s) layer over a {@link SimulatorInstance}: reads the request, applies
 * transport faults, and copies the instance's answer onto the socket.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { DeviceResponse, QueryParams } from './device-types.js';
import { applyBodyFaults } from './faults.js';
import { CONTROL_PREFIX, type SimulatorInstance } from './simulator-instance.js';

const MAX_REQUEST_BYTES = 1024 * 1024;
const DRIP_BYTES = 16;
const PADDING = Buffer.alloc(256 * 1024, ' ');

export function createRequestListener(instance: SimulatorInstance): RequestListener {
  return (request, response) => {
    serve(instance, request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, { status: 500, contentType: 'application/json', body: JSON.stringify({ error: String(error) }) });
      else response.destroy();
    });
  };
}

async function serve(instance: SimulatorInstance, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://simulator');
  const method = request.method ?? 'GET';
  const raw = await readBody(request);
  if (raw === null) return send(response, { status: 413, contentType: 'application/json', body: '{"error":"request too large"}' });
  let body: unknown = null;
  if (raw.length > 0) {
    try {
      body = JSON.parse(raw);
    } catch {
      return send(response, { status: 400, contentType: 'application/json', body: '{"success":false,"error":"body is not JSON"}' });
    }
  }
  if (url.pathname.startsWith(CONTROL_PREFIX)) return send(response, instance.control(method, url.pathname, body));

  const faults = instance.faults;
  if (faults.drop) {
    request.socket.destroy();
    return;
  }
  if (faults.hang) return; // answered never; the server's close() ends the socket
  if (faults.latencyMs) await delay(faults.latencyMs);
  if (instance.realTime) instance.device.advance(Date.now());
  const query: QueryParams = Object.fromEntries(url.searchParams);
  const answer = applyBodyFaults(faults, instance.device.handle(method, url.pathname, query, body));
  if (faults.slowDripMs) return drip(response, answer, faults.slowDripMs);
  send(response, answer);
}

function send(response: ServerResponse, answer: DeviceResponse): void {
  response.writeHead(answer.status, headersOf(answer));
  if (answer.paddingBytes) {
    void sendPadded(response, answer.body, answer.paddingBytes);
    return;
  }
  response.end(answer.body);
}

/**
 * The body, then the padding in slices as the client reads them: the head leaves at once and
 * a 50 MB answer costs the simulator one slice of memory, however many clients ask.
 */
async function sendPadded(response: ServerResponse, body: string, paddingBytes: number): Promise<void> {
  response.write(body);
  for (let left = paddingBytes; left > 0 && !response.destroyed; left -= PADDING.length) {
    const slice = left >= PADDING.length ? PADDING : PADDING.subarray(0, left);
    if (!response.write(slice)) await drainedOrClosed(response);
  }
  response.end();
}

/** Waits for room in the socket's buffer, or for the client to go; whichever comes first takes both listeners away. */
function drainedOrClosed(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const settle = (): void => {
      response.off('drain', settle).off('close', settle);
      resolve();
    };
    response.on('drain', settle).on('close', settle);
  });
}

async function drip(response: ServerResponse, answer: DeviceResponse, intervalMs: number): Promise<void> {
  const bytes = Buffer.concat([Buffer.from(answer.body), Buffer.alloc(answer.paddingBytes ?? 0, ' ')]);
  response.writeHead(answer.status, headersOf(answer));
  for (let offset = 0; offset < bytes.length && !response.destroyed; offset += DRIP_BYTES) {
    response.write(bytes.subarray(offset, offset + DRIP_BYTES));
    await delay(intervalMs);
  }
  response.end();
}

function headersOf(answer: DeviceResponse): Record<string, string | number> {
  return {
    'Content-Type': answer.contentType,
    'Content-Length': Buffer.byteLength(answer.body) + (answer.paddingBytes ?? 0),
    'Cache-Control': 'no-cache',
    ...answer.headers,
  };
}

/** The request body as text, or null when it is too large. */
async function readBody(request: IncomingMessage): Promise<string | null> {
  // Polls are bodiless GETs: skip the stream machinery for them (the bench farm answers thousands a second).
  if (request.headers['content-length'] === undefined && request.headers['transfer-encoding'] === undefined) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
