/**
 * What the stream viewer costs per exchange recorded, on the event loop, and the memory its
 * kept details take: `viewers` element viewers each record `cycles` poll cycles of a
 * StreamHub's answers (a 5 KB inputs answer, a 2.6 KB outputs answer, one to four link
 * statistics of 0.5 KB), the viewers in turn as the scheduler polls them.
 *
 *   npm run build && node dist/bench/stream-recording.js [viewers=5000] [cycles=30]
 *
 * It prints the time per recorded exchange, the median over the last half of the cycles (the
 * first half warms up and fills the rings), and the shared pages in use and held
 * (`tally_stream_viewer_detail_bytes`).
 */
import { detailPageUsage } from '../src/runtime/detail-ring.js';
import { type Exchange, StreamViewer } from '../src/runtime/stream-viewer.js';
import { percentile } from './percentiles.js';

const VIEWERS = Number(process.argv[2] ?? 5_000);
const CYCLES = Number(process.argv[3] ?? 30);

/** A JSON-like answer of about `bytes` bytes whose digits move with `seed`, so answers differ. */
function answer(bytes: number, seed: number): Buffer {
  const item = `{"id":${seed % 97},"bitrate":${(seed * 7919) % 100_000},"state":"Streaming"},`;
  return Buffer.from(`[${item.repeat(Math.ceil(bytes / item.length)).slice(0, -1)}]`);
}

function exchange(viewer: number, path: string, body: Buffer, time: number): Exchange {
  return {
    time,
    method: 'GET',
    url: `http://127.1.${viewer >> 8}.${viewer & 255}:8893/api/${path}`,
    requestHeaders: { accept: 'application/json', 'x-api-key': 'sample-key' },
    requestBody: null,
    status: 200,
    statusLine: '200 OK',
    responseHeaders: { 'content-type': 'application/json', 'content-length': String(body.length), date: new Date(time).toUTCString() },
    responseBody: body,
    durationMs: 3.5,
    error: null,
  };
}

/** One poll cycle of a StreamHub: what the Haivision connector asks when it keeps up. */
function cycle(viewer: number, n: number): Exchange[] {
  const time = 1_765_000_000_000 + n * 10_000;
  const links = 1 + ((viewer + n) % 4);
  const exchanges = [exchange(viewer, 'inputs', answer(5_000, viewer + n), time), exchange(viewer, 'outputs', answer(2_600, viewer * 3 + n), time)];
  for (let i = 0; i < links; i++) exchanges.push(exchange(viewer, `inputs/${i}/statistics`, answer(500, viewer + i + n), time));
  return exchanges;
}

function main(): void {
  const viewers = Array.from({ length: VIEWERS }, () => new StreamViewer());
  // Answers are made before timing: the viewer's copy is what is measured, not their making.
  const answers = Array.from({ length: 4 }, (_, n) => viewers.map((_, viewer) => cycle(viewer, n)));
  const warmCycles = Math.floor(CYCLES / 2);
  // Each timed cycle's cost a recorded exchange; the median leaves out the cycles a full collection fell in.
  const perCycle: number[] = [];
  for (let n = 0; n < CYCLES; n++) {
    const round = answers[n % answers.length];
    const started = process.hrtime.bigint();
    let recorded = 0;
    for (let viewer = 0; viewer < VIEWERS; viewer++) {
      for (const each of round[viewer]) viewers[viewer].record(each);
      recorded += round[viewer].length;
    }
    if (n >= warmCycles) perCycle.push(Number(process.hrtime.bigint() - started) / recorded);
  }
  const median = percentile(perCycle, 50) ?? 0;
  const { inUse, held } = detailPageUsage();
  const mb = (bytes: number): string => (bytes / 1_048_576).toFixed(1);
  console.log(`${VIEWERS} viewers, ${CYCLES} cycles: ${median.toFixed(0)} ns a recorded exchange (median of ${perCycle.length} cycles; ${Math.max(...perCycle).toFixed(0)} at most)`);
  console.log(`kept details: ${mb(inUse)} MB in pages in use, ${mb(held)} MB of slabs held; ${(held / VIEWERS / 1024).toFixed(1)} KB a viewer`);
  console.log(JSON.stringify({ viewers: VIEWERS, cycles: CYCLES, nsPerExchange: Math.round(median), detailBytesInUse: inUse, detailBytesHeld: held }));
}

main();
