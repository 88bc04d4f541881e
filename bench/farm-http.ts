/**
 * The farm's HTTP/1.1 server for its StreamHubs: as much of the protocol as a poller uses
 * (requests with a Content-Length body or none, keep-alive, several requests in one read),
 * answered with one write of head and body.
 *
 * Why not node:http: it builds a request and a response object, with their streams and
 * events, for every exchange; its own code was a sixth of the farm's busy time in a CPU
 * profile at 5,000 devices, before collecting those objects. At 10,000 devices the farm shares the two cores with Tally, so what the
 * farm spends is taken from the poller it measures. The answers' heads carry what node:http
 * sent (Date, keep-alive with its timeout), so Tally parses the same bytes as before.
 */
import { STATUS_CODES } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';

export interface PlainRequest {
  method: string;
  /** Path and query as sent, e.g. `/inputs?api_key=…`. */
  target: string;
  body: string;
}

export interface PlainAnswer {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
  /** Runs once the answer has been handed to the kernel. */
  sent?: () => void;
}

export type PlainResponder = (request: PlainRequest) => PlainAnswer;

const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_HEAD_BYTES = 16 * 1024;
const MAX_BODY_BYTES = 1024 * 1024;
/** Longer than Tally's keep-alive, so the client is the one to close idle connections. */
const KEEP_ALIVE_SECONDS = 65;

/** A listening server; `stop` stops listening and drops the connections clients keep alive. */
export type PlainHttpServer = Server & { stop(): Promise<void> };

/** `latencyMs`: each answer is written that long after its request was read (a WAN's round trip). */
export function createPlainHttpServer(respond: PlainResponder, latencyMs = 0): PlainHttpServer {
  const open = new Set<Socket>();
  const server = createServer({ noDelay: true }, (socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    serveConnection(socket, respond, latencyMs);
  });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      server.close(() => resolve());
      for (const socket of open) socket.destroy();
    });
  return Object.assign(server, { stop });
}

function serveConnection(socket: Socket, respond: PlainResponder, latencyMs: number): void {
  let unread: Buffer | null = null;
  socket.setTimeout(KEEP_ALIVE_SECONDS * 1000, () => socket.end());
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    unread = answerWhole(socket, unread ? Buffer.concat([unread, chunk]) : chunk, respond, latencyMs);
  });
}

/** Answers every whole request at the front of `bytes`; returns the start of the next one, if any. */
function answerWhole(socket: Socket, bytes: Buffer, respond: PlainResponder, latencyMs: number): Buffer | null {
  let offset = 0;
  while (offset < bytes.length) {
    const headEnd = bytes.indexOf(HEAD_END, offset);
    if (headEnd < 0) {
      if (bytes.length - offset > MAX_HEAD_BYTES) return refuse(socket, 431, 'request head too large');
      break;
    }
    const head = parseHead(bytes.toString('latin1', offset, headEnd));
    if (typeof head === 'string') return refuse(socket, 400, head);
    if (head.contentLength > MAX_BODY_BYTES) return refuse(socket, 413, 'request too large');
    const bodyStart = headEnd + HEAD_END.length;
    if (bytes.length < bodyStart + head.contentLength) break;
    offset = bodyStart + head.contentLength;
    const answer = respond({ method: head.method, target: head.target, body: bytes.toString('utf8', bodyStart, offset) });
    // Timers of one delay fire in the order they were set, so answers keep their requests' order.
    if (latencyMs > 0) setTimeout(send, latencyMs, socket, answer, head.close);
    else send(socket, answer, head.close);
    if (head.close) return null;
  }
  return offset === bytes.length ? null : bytes.subarray(offset);
}

function send(socket: Socket, answer: PlainAnswer, close: boolean): void {
  if (socket.destroyed) return;
  socket.write(render(answer, close), answer.sent);
  if (close) socket.end();
}

interface RequestHead {
  method: string;
  target: string;
  contentLength: number;
  close: boolean;
}

/** The request line and the headers the server acts on, or why they cannot be served. */
export function parseHead(text: string): RequestHead | string {
  const lines = text.split('\r\n');
  const [method, target, version] = lines[0].split(' ');
  if (!method || !target?.startsWith('/') || (version !== 'HTTP/1.1' && version !== 'HTTP/1.0')) return 'malformed request line';
  const head: RequestHead = { method, target, contentLength: 0, close: version === 'HTTP/1.0' };
  for (let i = 1; i < lines.length; i++) {
    const colon = lines[i].indexOf(':');
    if (colon <= 0) return 'malformed header';
    const name = lines[i].slice(0, colon).toLowerCase();
    const value = lines[i].slice(colon + 1).trim();
    if (name === 'content-length') {
      if (!/^\d+$/.test(value)) return 'malformed Content-Length';
      head.contentLength = Number(value);
    } else if (name === 'transfer-encoding') {
      return 'Transfer-Encoding is not accepted; send Content-Length';
    } else if (name === 'connection') {
      const token = value.toLowerCase();
      if (token === 'close') head.close = true;
      else if (token === 'keep-alive') head.close = false;
    }
  }
  return head;
}

function refuse(socket: Socket, status: number, message: string): null {
  socket.end(render({ status, contentType: 'application/json', body: JSON.stringify({ error: message }) }, true));
  return null;
}

function render(answer: PlainAnswer, close: boolean): string {
  let head = `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? 'Unknown'}\r\nContent-Type: ${answer.contentType}\r\n`;
  head += `Content-Length: ${Buffer.byteLength(answer.body)}\r\nCache-Control: no-cache\r\n`;
  for (const name in answer.headers) head += `${name}: ${answer.headers[name]}\r\n`;
  head += `Date: ${httpDate()}\r\n`;
  head += close ? 'Connection: close\r\n\r\n' : `Connection: keep-alive\r\nKeep-Alive: timeout=${KEEP_ALIVE_SECONDS}\r\n\r\n`;
  return head + answer.body;
}

let dateSecond = 0;
let dateText = '';

/** The Date header's value, made once a second as node:http does. */
function httpDate(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}
