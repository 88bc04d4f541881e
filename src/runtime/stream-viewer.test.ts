import { describe, expect, it } from 'vitest';
import { detailPageUsage } from './detail-ring.js';
import { MASK } from './secret-masker.js';
import { DETAILS_KEPT, type Exchange, NOT_KEPT_BECAUSE, STREAM_BODY_LIMIT, STREAM_CAPACITY, StreamViewer, WATCH_MS } from './stream-viewer.js';

/** An exchange with its answer as text: what an entry shows when nothing is masked or cut. */
type Sent = Omit<Exchange, 'responseBody'> & { responseBody: string | null };

/** What the HTTP session records: the answer as the bytes read. */
const asRead = (sent: Sent): Exchange => ({ ...sent, responseBody: sent.responseBody === null ? null : Buffer.from(sent.responseBody) });

/** Exchange `n`: a new URL string each time, as the HTTP session builds them; every third one failed. */
function exchange(n: number, overrides: Partial<Sent> = {}): Sent {
  const failed = n % 3 === 2;
  return {
    time: 1_700_000_000_000 + n * 1000,
    method: n % 2 ? 'POST' : 'GET',
    url: ['http://10.0.0.5:8893', `/api/item/${n % 7}`, `?n=${n}`].join(''),
    requestHeaders: { 'x-request': `r${n}` },
    requestBody: n % 2 ? `{"n":${n}}` : null,
    status: failed ? null : 200 + (n % 5),
    statusLine: failed ? '' : `${200 + (n % 5)} Status ${n % 5}`,
    responseHeaders: failed ? {} : { 'content-type': 'application/json', 'x-n': String(n) },
    responseBody: failed ? null : `{"answer":${n}}`,
    durationMs: n + 0.25,
    error: failed ? `connect ECONNREFUSED (${n % 4})` : null,
    ...overrides,
  };
}

const notKept = (length: number): string => `[${length} bytes, not kept: ${NOT_KEPT_BECAUSE}]`;

/** A viewer an operator has open: every exchange recorded (in these tests' times) keeps its details. */
function watchedViewer(capacity?: number): StreamViewer {
  const viewer = new StreamViewer(capacity);
  viewer.watch(Date.now());
  return viewer;
}

/** Its line only: what an exchange that keeps no details shows. */
const lineOnly = (sent: Sent) => ({
  ...sent,
  requestHeaders: {},
  responseHeaders: {},
  requestBody: sent.requestBody === null ? null : notKept(Buffer.byteLength(sent.requestBody)),
  responseBody: sent.responseBody === null ? null : notKept(Buffer.byteLength(sent.responseBody)),
});

describe('StreamViewer', () => {
  it('is empty at first, and lists what it has oldest first before the ring is full', () => {
    const viewer = watchedViewer();
    expect(viewer.entries()).toEqual([]);
    for (let n = 0; n < 3; n++) viewer.record(asRead(exchange(n)));
    expect(viewer.entries().map((entry) => entry.time)).toEqual([0, 1, 2].map((n) => exchange(n).time));
  });

  it('gives back the response headers as they came: a value with colons, an empty one, a repeated one joined', () => {
    const viewer = watchedViewer();
    const responseHeaders = { date: 'Thu, 03 Dec 2026 12:34:56 GMT', 'x-empty': '', 'x-via': ['a=1', 'b=2:3'], 'x-absent': undefined };
    viewer.record(asRead(exchange(0, { responseHeaders })));
    viewer.record(asRead(exchange(3, { responseHeaders: {} })));
    const [first, second] = viewer.entries();
    expect(first.responseHeaders).toEqual({ date: 'Thu, 03 Dec 2026 12:34:56 GMT', 'x-empty': '', 'x-via': 'a=1, b=2:3' });
    expect(second.responseHeaders).toEqual({});
  });

  it('keeps the newest exchanges in order when the ring wraps around', () => {
    const viewer = watchedViewer();
    for (let n = 0; n < 2 * STREAM_CAPACITY + 50; n++) viewer.record(asRead(exchange(n)));
    const entries = viewer.entries();
    expect(entries).toHaveLength(STREAM_CAPACITY);
    entries.forEach((entry, i) => {
      const n = STREAM_CAPACITY + 50 + i;
      const sent = exchange(n);
      expect(entry).toMatchObject({
        time: sent.time,
        method: sent.method,
        url: sent.url,
        status: sent.status,
        statusLine: sent.statusLine,
        durationMs: sent.durationMs,
        error: sent.error,
      });
    });
  });

  it('keeps the line of every exchange but headers and bodies only of the newest ones', () => {
    const viewer = watchedViewer();
    const total = 40;
    for (let n = 0; n < total; n++) viewer.record(asRead(exchange(n)));
    const entries = viewer.entries();
    const older = entries.slice(0, total - DETAILS_KEPT);
    const newest = entries.slice(total - DETAILS_KEPT);
    older.forEach((entry, n) => expect(entry).toEqual(lineOnly(exchange(n))));
    newest.forEach((entry, i) => expect(entry).toEqual(exchange(total - DETAILS_KEPT + i)));
  });

  it('keeps the details of failed exchanges always, of successful ones only while someone watches', () => {
    const viewer = new StreamViewer();
    const isFailure = (n: number) => exchange(n).error !== null;
    for (let n = 0; n < 10; n++) viewer.record(asRead(exchange(n)));
    // Nobody watched: among the newest, the failures (5 and 8) keep theirs, the rest their lines only.
    expect(viewer.entries().slice(-DETAILS_KEPT)).toEqual([5, 6, 7, 8, 9].map((n) => (isFailure(n) ? exchange(n) : lineOnly(exchange(n)))));
    // Read just before exchange 10 started, and not again: 10 keeps its details, 12 and 13 (started later) do not.
    viewer.watch(exchange(10).time + 500 - WATCH_MS);
    for (let n = 10; n < 14; n++) viewer.record(asRead(exchange(n)));
    expect(viewer.entries().slice(-4)).toEqual([exchange(10), exchange(11), lineOnly(exchange(12)), lineOnly(exchange(13))]);
    expect(isFailure(11) && !isFailure(10) && !isFailure(12)).toBe(true);
  });

  it('masks every entry when read, with secrets learnt after they were recorded', () => {
    const viewer = watchedViewer();
    viewer.masker.setParamSecrets(['param-secret-1']);
    const secretExchange = (n: number): Sent =>
      exchange(n, {
        url: `http://d/login?api_key=plain-${n}&user=tok-4242&p=param-secret-1`,
        requestHeaders: { authorization: `Basic ${n}`, 'x-echo': 'tok-4242' },
        requestBody: `{"password":"pw-${n}","echo":"tok-4242"}`,
        responseHeaders: { 'set-cookie': [`s=${n}`, 't=1'], 'x-echo': 'tok-4242' },
        responseBody: `{"token":"tok-4242"}`,
        error: 'refused tok-4242',
      });
    for (let n = 0; n < 20; n++) viewer.record(asRead(secretExchange(n)));
    viewer.maskSecret('tok-4242');
    const entries = viewer.entries();
    const text = JSON.stringify(entries);
    for (const secret of ['tok-4242', 'param-secret-1', 'plain-', 'pw-', 'Basic', 's=']) expect(text).not.toContain(secret);
    for (const entry of entries) {
      expect(entry.url).toBe(`http://d/login?api_key=${MASK}&user=${MASK}&p=${MASK}`);
      expect(entry.error).toBe(`refused ${MASK}`);
    }
    expect(entries[19]).toMatchObject({
      requestHeaders: { authorization: MASK, 'x-echo': MASK },
      requestBody: `{"password":"${MASK}","echo":"${MASK}"}`,
      responseHeaders: { 'set-cookie': MASK, 'x-echo': MASK },
      responseBody: `{"token":"${MASK}"}`,
    });
  });

  it('clips long bodies, showing their whole length before and after they age out', () => {
    const viewer = watchedViewer();
    const long = `{"blob":"${'y'.repeat(100_000)}"}`;
    viewer.record(asRead(exchange(0, { requestBody: long, responseBody: long })));
    const [fresh] = viewer.entries();
    for (const body of [fresh.requestBody!, fresh.responseBody!]) {
      expect(body.startsWith(long.slice(0, STREAM_BODY_LIMIT))).toBe(true);
      expect(body.endsWith(`… [truncated, ${long.length} bytes in all]`)).toBe(true);
    }
    for (let n = 1; n <= DETAILS_KEPT; n++) viewer.record(asRead(exchange(n)));
    expect(viewer.entries()[0]).toMatchObject({ requestBody: notKept(long.length), responseBody: notKept(long.length) });
  });

  it('shows text of several bytes a character whole, its length in bytes, and clips it on a character', () => {
    const viewer = watchedViewer();
    const short = '{"name":"Régie 2 – été"}';
    const long = `{"blob":"${'€'.repeat(30_000)}"}`;
    viewer.record(asRead(exchange(0, { requestBody: short, responseBody: short })));
    viewer.record(asRead(exchange(1, { requestBody: long, responseBody: long })));
    const [whole, clipped] = viewer.entries();
    expect([whole.requestBody, whole.responseBody]).toEqual([short, short]);
    for (const body of [clipped.requestBody!, clipped.responseBody!]) {
      expect(body).toBe(`${long.slice(0, STREAM_BODY_LIMIT)}… [truncated, ${Buffer.byteLength(long)} bytes in all]`);
    }
    for (let n = 2; n <= DETAILS_KEPT + 1; n++) viewer.record(asRead(exchange(n)));
    expect(viewer.entries()[0]).toMatchObject({ requestBody: notKept(Buffer.byteLength(short)), responseBody: notKept(Buffer.byteLength(short)) });
  });

  it('keeps different URLs, status lines and errors apart however many it has seen', () => {
    const viewer = watchedViewer();
    // Far more distinct values than are shared, each followed by repeats of recent ones.
    const sent: Sent[] = [];
    for (let n = 0; n < 1000; n++) {
      const k = n % 3 === 0 ? n : n - (n % 3);
      sent.push(
        exchange(n, {
          url: `http://d/${['a', 'b'][k % 2]}/${k}`,
          status: 200,
          statusLine: `200 ${'fine '.repeat(1 + (k % 3))}${k}`.trimEnd(),
          error: `failed ${k}`,
        }),
      );
      viewer.record(asRead(sent[n]));
      if (n % 97 === 0) expect(viewer.entries().at(-1)).toMatchObject({ url: sent[n].url, statusLine: sent[n].statusLine, error: sent[n].error });
    }
    const entries = viewer.entries();
    entries.forEach((entry, i) => {
      const expected = sent[1000 - STREAM_CAPACITY + i];
      expect([entry.url, entry.statusLine, entry.error]).toEqual([expected.url, expected.statusLine, expected.error]);
    });
  });

  it('works with a ring smaller than the exchanges that keep details', () => {
    const viewer = watchedViewer(3);
    for (let n = 0; n < 10; n++) viewer.record(asRead(exchange(n)));
    expect(viewer.entries()).toEqual([exchange(7), exchange(8), exchange(9)]);
  });

  it('keeps details in the pages every viewer shares, and gives them back when closed', () => {
    const before = detailPageUsage().inUse;
    const viewer = watchedViewer();
    const big = 'x'.repeat(3000);
    for (let n = 0; n < DETAILS_KEPT; n++) viewer.record(asRead(exchange(n * 3, { responseBody: big })));
    expect(detailPageUsage().inUse - before).toBeGreaterThanOrEqual(DETAILS_KEPT * big.length);
    viewer.close();
    expect(detailPageUsage().inUse).toBe(before);
    // Lines are still recorded after; their details are not kept.
    const late = exchange(99);
    viewer.record(asRead(late));
    expect(viewer.entries().at(-1)).toEqual(lineOnly(late));
    expect(detailPageUsage().inUse).toBe(before);
  });
});
