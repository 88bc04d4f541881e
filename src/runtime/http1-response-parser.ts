/**
 * An incremental HTTP/1.1 response parser for Tally's own device connections
 * (device-connections.ts): the status line and headers, then a body framed by
 * Content-Length, chunked transfer coding or the end of the connection (RFC 9112 §6.3).
 * It hands the body on as views of the socket's chunks, copying nothing, and says whether
 * the connection can carry the next request.
 */
import type { ReceivedHeaders } from './stream-viewer.js';

/** A response that breaks HTTP/1.1: the connection it came on cannot be trusted any more. */
export class HttpProtocolError extends Error {
  readonly code = 'HTTP_PROTOCOL';
}

export interface ResponseHead {
  status: number;
  reason: string;
  headers: ReceivedHeaders;
}

export interface ResponseEvents {
  onHead(head: ResponseHead): void;
  onData(chunk: Buffer): void;
  onEnd(): void;
}

/** Larger heads (status line, headers, or trailers) are refused, as undici and Node do. */
export const MAX_HEAD_BYTES = 64 * 1024;
const MAX_CHUNK_LINE = 1024;
const CRLF_CRLF = Buffer.from('\r\n\r\n');
const LF_LF = Buffer.from('\n\n');
const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/;

const enum Stage {
  Idle,
  Head,
  FixedBody,
  ChunkSize,
  ChunkData,
  ChunkEnd,
  Trailers,
  CloseDelimited,
  Done,
}

export class ResponseParser {
  /** The connection may carry another request once this response is done. */
  reusable = false;
  private stage = Stage.Idle;
  private noBody = false;
  private held: Buffer | null = null;
  private remaining = 0;
  private line = '';
  private trailerBytes = 0;
  private received = false;

  constructor(private readonly events: ResponseEvents) {}

  /** Expects the answer to a new request (`HEAD` answers never have a body). */
  expect(method: string): void {
    this.stage = Stage.Head;
    this.noBody = method === 'HEAD';
    this.held = null;
    this.reusable = false;
    this.received = false;
  }

  /** Some of the answer has arrived (a failure after that is not a stale connection's). */
  get started(): boolean {
    return this.received;
  }

  get done(): boolean {
    return this.stage === Stage.Done;
  }

  /** Bytes from the connection. Throws HttpProtocolError on a malformed answer. */
  feed(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.stage === Stage.Idle || this.stage === Stage.Done) {
      // Nothing was asked, or the answer is complete: a device that says more is out of step.
      this.reusable = false;
      if (this.stage === Stage.Idle) throw new HttpProtocolError('the device sent data nobody asked for');
      return;
    }
    this.received = true;
    let at = 0;
    if (this.stage === Stage.Head) {
      at = this.readHead(chunk);
      if (at < 0) return;
    }
    while (at < chunk.length && !this.done) at = this.readBody(chunk, at);
    if (at < chunk.length) this.reusable = false;
  }

  /** The device closed the connection: the end of a close-delimited body, a failure otherwise. */
  end(): void {
    if (this.stage === Stage.CloseDelimited) {
      this.finish();
      return;
    }
    if (this.stage !== Stage.Done && this.stage !== Stage.Idle) throw new HttpProtocolError('other side closed');
  }

  private readHead(chunk: Buffer): number {
    const buffer = this.held ? Buffer.concat([this.held, chunk]) : chunk;
    let end = buffer.indexOf(CRLF_CRLF);
    let separator = 4;
    if (end < 0) {
      end = buffer.indexOf(LF_LF);
      separator = 2;
    }
    if (end < 0) {
      if (buffer.length > MAX_HEAD_BYTES) throw new HttpProtocolError(`response headers larger than ${MAX_HEAD_BYTES / 1024} KiB`);
      this.held = buffer;
      return -1;
    }
    if (end > MAX_HEAD_BYTES) throw new HttpProtocolError(`response headers larger than ${MAX_HEAD_BYTES / 1024} KiB`);
    this.held = null;
    // Where the head ends in this chunk's own positions (part of it may have been held).
    const consumed = end + separator - (buffer.length - chunk.length);
    const { head, http11 } = parseHead(buffer, end);
    // 1xx answers are interim (100 Continue, 103 Early Hints): the real one follows.
    if (head.status < 200) {
      if (head.status === 101) throw new HttpProtocolError('the device switched protocols unasked');
      const rest = buffer.subarray(end + separator);
      return rest.length === 0 ? chunk.length : consumed + Math.max(0, this.readHead(rest));
    }
    this.frameBody(head.status, head.headers, http11);
    this.events.onHead(head);
    if (this.stage === Stage.Done) this.events.onEnd();
    return consumed;
  }

  /** How the body is delimited and whether the connection outlives it (RFC 9112 §6.3, §9.3). */
  private frameBody(status: number, headers: ReceivedHeaders, http11: boolean): void {
    const connection = lowerJoined(headers.connection);
    this.reusable = http11 ? !connection.includes('close') : connection.includes('keep-alive');
    if (this.noBody || status === 204 || status === 304) {
      this.stage = Stage.Done;
      return;
    }
    const coding = headers['transfer-encoding'];
    if (coding !== undefined) {
      const codings = lowerJoined(coding).split(',');
      if (codings[codings.length - 1].trim() === 'chunked') {
        this.stage = Stage.ChunkSize;
        this.line = '';
      } else {
        this.closeDelimited();
      }
      return;
    }
    const length = headers['content-length'];
    if (length === undefined) {
      this.closeDelimited();
      return;
    }
    const declared = Array.isArray(length) ? sameLength(length) : length;
    if (!/^\d{1,15}$/.test(declared)) throw new HttpProtocolError(`invalid Content-Length: ${JSON.stringify(String(length).slice(0, 40))}`);
    this.remaining = Number(declared);
    this.stage = this.remaining === 0 ? Stage.Done : Stage.FixedBody;
  }

  private finish(): void {
    this.stage = Stage.Done;
    this.events.onEnd();
  }

  private closeDelimited(): void {
    this.stage = Stage.CloseDelimited;
    this.reusable = false;
  }

  /** Reads body bytes from `at`; returns where it stopped. Ends the response when complete. */
  private readBody(chunk: Buffer, at: number): number {
    switch (this.stage) {
      case Stage.FixedBody:
      case Stage.ChunkData: {
        const take = Math.min(this.remaining, chunk.length - at);
        this.events.onData(at === 0 && take === chunk.length ? chunk : chunk.subarray(at, at + take));
        this.remaining -= take;
        if (this.remaining === 0) {
          if (this.stage === Stage.FixedBody) this.finish();
          else this.stage = Stage.ChunkEnd;
        }
        return at + take;
      }
      case Stage.CloseDelimited:
        this.events.onData(at === 0 ? chunk : chunk.subarray(at));
        return chunk.length;
      case Stage.ChunkSize:
        return this.readChunkSize(chunk, at);
      case Stage.ChunkEnd: {
        const byte = chunk[at];
        if (byte === CR) return at + 1;
        if (byte !== LF) throw new HttpProtocolError('a chunk is not followed by CRLF');
        this.stage = Stage.ChunkSize;
        this.line = '';
        return at + 1;
      }
      case Stage.Trailers:
        return this.readTrailers(chunk, at);
      default:
        return chunk.length;
    }
  }

  private readChunkSize(chunk: Buffer, at: number): number {
    const next = this.takeLine(chunk, at);
    if (this.line.length > MAX_CHUNK_LINE) throw new HttpProtocolError('chunk size line too long');
    if (next < 0) return chunk.length;
    const sizeText = trimCr(this.line).split(';', 1)[0].trim();
    if (!/^[0-9a-fA-F]{1,12}$/.test(sizeText)) throw new HttpProtocolError(`invalid chunk size: ${JSON.stringify(sizeText.slice(0, 40))}`);
    const size = parseInt(sizeText, 16);
    this.line = '';
    if (size === 0) {
      this.stage = Stage.Trailers;
      this.trailerBytes = 0;
    } else {
      this.stage = Stage.ChunkData;
      this.remaining = size;
    }
    return next;
  }

  /** One trailer line, read and dropped; an empty one ends the response. */
  private readTrailers(chunk: Buffer, at: number): number {
    const next = this.takeLine(chunk, at);
    const end = next < 0 ? chunk.length : next;
    this.trailerBytes += end - at;
    if (this.trailerBytes > MAX_HEAD_BYTES) throw new HttpProtocolError(`response trailers larger than ${MAX_HEAD_BYTES / 1024} KiB`);
    if (next < 0) return end;
    const blank = trimCr(this.line) === '';
    this.line = '';
    if (blank) this.finish();
    return next;
  }

  /** Adds the bytes up to the next LF to `line`: the position after the LF, or -1 when the line goes on in the next chunk. */
  private takeLine(chunk: Buffer, at: number): number {
    const newline = chunk.indexOf(LF, at);
    this.line += chunk.toString('latin1', at, newline < 0 ? chunk.length : newline);
    return newline < 0 ? -1 : newline + 1;
  }
}

/**
 * The status line and headers in `buffer` up to `end`. Each header value is read straight
 * from the bytes into a string of its own: the stream viewer keeps the headers of recent
 * answers, and values cut from one string of the whole head would each keep all of it.
 */
function parseHead(buffer: Buffer, end: number): { head: ResponseHead; http11: boolean } {
  let lineEnd = endOfLine(buffer, 0, end);
  const statusLine = buffer.toString('latin1', 0, withoutCr(buffer, 0, lineEnd));
  const match = STATUS_LINE.exec(statusLine);
  if (!match) throw new HttpProtocolError(`not an HTTP/1.1 status line: ${JSON.stringify(statusLine.slice(0, 80))}`);
  const headers: Record<string, string | string[]> = {};
  for (let at = lineEnd + 1; at < end; at = lineEnd + 1) {
    lineEnd = endOfLine(buffer, at, end);
    const stop = withoutCr(buffer, at, lineEnd);
    const colon = buffer.indexOf(COLON, at);
    // Obsolete line folding (a line starting with white space) is refused, as RFC 9112 §5.2 allows.
    if (colon <= at || colon >= stop || isBlank(buffer[at])) {
      throw new HttpProtocolError(`malformed response header: ${JSON.stringify(buffer.toString('latin1', at, Math.min(stop, at + 80)))}`);
    }
    const name = buffer.toString('latin1', at, colon).toLowerCase();
    let valueStart = colon + 1;
    let valueEnd = stop;
    while (valueStart < valueEnd && isBlank(buffer[valueStart])) valueStart++;
    while (valueEnd > valueStart && isBlank(buffer[valueEnd - 1])) valueEnd--;
    const value = buffer.toString('latin1', valueStart, valueEnd);
    const previous = headers[name];
    if (previous === undefined) headers[name] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else headers[name] = [previous, value];
  }
  return { head: { status: Number(match[2]), reason: match[3] ?? '', headers }, http11: match[1] === '1' };
}

/** The position of the LF ending the line that starts at `at`, or `end` for the head's last line. */
function endOfLine(buffer: Buffer, at: number, end: number): number {
  const newline = buffer.indexOf(LF, at);
  return newline < 0 || newline > end ? end : newline;
}

/** The end of a line's text: before its CR, if it has one. */
function withoutCr(buffer: Buffer, start: number, lineEnd: number): number {
  return lineEnd > start && buffer[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
}

/** Optional white space around a header value (RFC 9110 §5.6.3): space and horizontal tab. */
function isBlank(byte: number): boolean {
  return byte === 32 || byte === 9;
}

function trimCr(line: string): string {
  return line.charCodeAt(line.length - 1) === CR ? line.slice(0, -1) : line;
}

function lowerJoined(value: string | string[] | undefined): string {
  if (value === undefined) return '';
  return (Array.isArray(value) ? value.join(',') : value).toLowerCase();
}

/** Repeated Content-Length headers are tolerated only when they agree (RFC 9110 §8.6). */
function sameLength(values: string[]): string {
  const first = values[0];
  if (values.some((value) => value !== first)) throw new HttpProtocolError(`conflicting Content-Length headers: ${values.join(', ')}`);
  return first;
}
