import { describe, expect, it } from 'vitest';
import { HttpProtocolError, MAX_HEAD_BYTES, ResponseParser, type ResponseHead } from './http1-response-parser.js';

interface Parsed {
  head: ResponseHead | null;
  body: string;
  ended: number;
  reusable: boolean;
}

/** Parses `wire` as the answer to `method`, fed in pieces of `step` bytes (all at once by default). */
function parse(wire: string | Buffer, options: { method?: string; step?: number; close?: boolean } = {}): Parsed {
  const result: Parsed = { head: null, body: '', ended: 0, reusable: false };
  const chunks: Buffer[] = [];
  const parser = new ResponseParser({
    onHead: (head) => (result.head = head),
    onData: (chunk) => chunks.push(Buffer.from(chunk)),
    onEnd: () => result.ended++,
  });
  parser.expect(options.method ?? 'GET');
  const bytes = Buffer.isBuffer(wire) ? wire : Buffer.from(wire, 'latin1');
  const step = options.step ?? bytes.length;
  for (let at = 0; at < bytes.length; at += step) parser.feed(bytes.subarray(at, at + step));
  if (options.close) parser.end();
  result.body = Buffer.concat(chunks).toString('utf8');
  result.reusable = parser.reusable;
  return result;
}

const CHUNKED =
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n' +
  '5;name=value\r\n{"a":\r\n' +
  'a\r\n[1,2,3,4]}\r\n' +
  '0\r\nX-Checksum: 12\r\n\r\n';

describe('ResponseParser', () => {
  it('reads a Content-Length body however the bytes are split, and keeps the connection', () => {
    const wire = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{"inputs":[]}';
    for (const step of [1, 2, 7, 64]) {
      const parsed = parse(wire, { step });
      expect(parsed.head).toEqual({ status: 200, reason: 'OK', headers: { 'content-type': 'application/json', 'content-length': '13' } });
      expect(parsed.body).toBe('{"inputs":[]}');
      expect(parsed.ended).toBe(1);
      expect(parsed.reusable).toBe(true);
    }
  });

  it('reads a chunked body with extensions and trailers, byte by byte or whole', () => {
    for (const step of [1, 3, 1000]) {
      const parsed = parse(CHUNKED, { step });
      expect(parsed.body).toBe('{"a":[1,2,3,4]}');
      expect(parsed.ended).toBe(1);
      expect(parsed.reusable).toBe(true);
    }
  });

  it('reads a body without length to the end of the connection, which is then not reused', () => {
    const parsed = parse('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nline one\nline two', { close: true });
    expect(parsed.body).toBe('line one\nline two');
    expect(parsed.ended).toBe(1);
    expect(parsed.reusable).toBe(false);
  });

  it('ends answers that have no body: HEAD, 204 and 304, at once', () => {
    expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n', { method: 'HEAD' })).toMatchObject({ ended: 1, body: '', reusable: true });
    expect(parse('HTTP/1.1 204 No Content\r\n\r\n')).toMatchObject({ ended: 1, reusable: true });
    expect(parse('HTTP/1.1 304 Not Modified\r\nETag: "x"\r\n\r\n')).toMatchObject({ ended: 1, reusable: true });
  });

  it('skips interim 1xx answers and reads the real one', () => {
    const parsed = parse('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}', { step: 5 });
    expect(parsed.head?.status).toBe(201);
    expect(parsed.body).toBe('{}');
  });

  it('tolerates bare LF line ends, keeps a custom reason phrase and collects repeated headers', () => {
    const parsed = parse('HTTP/1.1 401 Invalid API key\nSet-Cookie: a=1\nSet-Cookie: b=2\nContent-Length: 0\n\n');
    expect(parsed.head).toEqual({ status: 401, reason: 'Invalid API key', headers: { 'set-cookie': ['a=1', 'b=2'], 'content-length': '0' } });
  });

  it('says when the connection cannot carry the next request', () => {
    expect(parse('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}').reusable).toBe(false);
    expect(parse('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}').reusable).toBe(false);
    expect(parse('HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\n{}').reusable).toBe(true);
    // Bytes past the end of the answer: the device is out of step with Tally.
    expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}garbage').reusable).toBe(false);
  });

  it('reads header names in lower case and values without the white space around them, repeated ones as a list', () => {
    for (const separator of ['\r\n', '\n']) {
      const wire = ['HTTP/1.1 200 OK', 'Content-Type:application/json ', 'X-Trace: \t a b\t', 'Set-Cookie: a=1', 'set-cookie:  b=2', 'X-Empty:', 'Content-Length: 0', '', ''];
      for (const step of [1, 5, 1000]) {
        expect(parse(wire.join(separator), { step }).head).toEqual({
          status: 200,
          reason: 'OK',
          headers: { 'content-type': 'application/json', 'x-trace': 'a b', 'set-cookie': ['a=1', 'b=2'], 'x-empty': '', 'content-length': '0' },
        });
      }
    }
  });

  it('refuses what is not HTTP/1.1', () => {
    const refusals: [string, RegExp][] = [
      ['SSH-2.0-OpenSSH_9.2\r\n\r\n', /not an HTTP\/1.1 status line/],
      ['HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n', /invalid Content-Length/],
      ['HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}', /conflicting Content-Length/],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /invalid chunk size/],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}XX', /not followed by CRLF/],
      ['HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n', /malformed response header/],
      ['HTTP/1.1 200 OK\r\nX-A 1\r\nX-B: 2\r\n\r\n', /malformed response header: "X-A 1"/],
      ['HTTP/1.1 200 OK\r\n: nameless\r\n\r\n', /malformed response header/],
      ['HTTP/1.1 101 Switching Protocols\r\n\r\n', /switched protocols/],
    ];
    for (const [wire, message] of refusals) {
      expect(() => parse(wire), wire).toThrow(HttpProtocolError);
      expect(() => parse(wire), wire).toThrow(message);
    }
  });

  it('refuses a head larger than the limit before holding all of it', () => {
    const huge = `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(MAX_HEAD_BYTES)}`;
    expect(() => parse(huge, { step: 4096 })).toThrow(/response headers larger than 64 KiB/);
  });

  it('fails an answer cut short by the device closing the connection', () => {
    expect(() => parse('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{"a"', { close: true })).toThrow(/other side closed/);
    expect(() => parse(CHUNKED.slice(0, 90), { close: true })).toThrow(/other side closed/);
  });

  it('refuses data when no answer is expected', () => {
    const parser = new ResponseParser({ onHead: () => undefined, onData: () => undefined, onEnd: () => undefined });
    expect(() => parser.feed(Buffer.from('HTTP/1.1 200 OK\r\n\r\n'))).toThrow(/nobody asked for/);
  });
});
