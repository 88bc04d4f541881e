/**
 * A thin HTTP(S) front for one {@link CloudportModel}: turns requests into {@link SimRequest}s,
 * applies the latency and hangs the model asks for, and tears hanging connections down on close.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { CloudportModel } from './cloudport-model.js';
import type { SimRequest, SimResponse } from './responses.js';
import { CONTROL_PREFIX, handleControl } from './sim-control.js';

const MAX_BODY_BYTES = 1_000_000;

export interface ListeningAdapter {
  port: number;
  close(): Promise<void>;
}

export interface AdapterOptions {
  host: string;
  port: number;
  /** PEM key and certificate; plain HTTP without them. */
  tls?: { key: string; cert: string };
}

/** Serves `model` until closed. */
export async function listen(model: CloudportModel, options: AdapterOptions): Promise<ListeningAdapter> {
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => void serve(req, res);
  const server: Server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, onRequest) : createHttpServer(onRequest);
  const pending = new Set<NodeJS.Timeout>();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of pending) clearTimeout(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: string;
    try {
      body = await readBody(req);
    } catch {
      res.writeHead(413).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://simulator');
    const request: SimRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers as Record<string, string | undefined>,
      body,
    };
    const now = Date.now();
    model.advance(now);
    const answer = request.path.startsWith(CONTROL_PREFIX) ? handleControl(model, request, now) : model.handle(request);
    if (answer.hang) return;
    if (!answer.delayMs) {
      write(res, answer);
      return;
    }
    const timer = setTimeout(() => {
      pending.delete(timer);
      write(res, answer);
    }, answer.delayMs);
    pending.add(timer);
  }
}

function write(res: ServerResponse, answer: SimResponse): void {
  if (res.destroyed) return;
  res.writeHead(answer.status, { 'content-type': answer.contentType, ...answer.headers });
  res.end(answer.body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
