/**
 * API robustness: 3,000 generated malformed requests (seeded) against a running Tally on a
 * loopback port. Never a 5xx, never a crash, every refusal a JSON error body; and Tally
 * still polls its element and answers normally afterwards.
 */
import { Agent, request } from 'undici';
import { expect, it } from 'vitest';
import { malformedRequests } from './malformed-requests.js';
import { DEVICE_KEY, processFixture, waitFor } from './resilience-support.js';
import { DEFAULT_BODY_LIMIT as BODY_LIMIT } from '../../src/server/build-server.js';

const COUNT = 3_000;
const SEED = 20_261_122;
const PARALLEL = 8;
const TOKEN = 'resilience-robustness-admin-token-0123456789';

const fixture = processFixture('robustness', TOKEN);

it(`answers ${COUNT} malformed requests with 4xx JSON errors, and keeps running`, async () => {
  const { simulator, tally } = await fixture.start(9);
  const create = (name: string) =>
    tally.api('POST', '/api/elements', {
      name,
      connector: 'haivision-manager',
      connection: simulator.elementTemplate.connection,
      params: { apiKey: DEVICE_KEY },
      pollIntervals: { inputs: 500, outputs: 500 },
    });
  const target = (await create('Target')).body.id as string;
  // Never named by the generator: it must simply keep working through the storm.
  const canary = (await create('Canary')).body.id as string;

  const requests = malformedRequests(COUNT, SEED, { element: target, param: 'identifier', table: 'inputs', action: 'playStream' });
  const dispatcher = new Agent({ connections: PARALLEL });
  /** What went wrong, by kind, with the first request that showed it (replay with the seed). */
  const failures = new Map<string, string>();
  const fail = (kind: string, example: string): void => void (failures.has(kind) || failures.set(kind, example));
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requests.length) {
      const generated = requests[next++];
      const what = `${generated.method} ${generated.path.slice(0, 120)} ${generated.body?.slice(0, 80) ?? ''}`;
      try {
        const answer = await request(tally.url + generated.path, {
          method: generated.method as 'GET',
          dispatcher,
          headers: { ...generated.headers, authorization: `Bearer ${TOKEN}` },
          body: generated.body,
          headersTimeout: 10_000,
          bodyTimeout: 10_000,
        });
        const text = await answer.body.text();
        statuses.set(answer.statusCode, (statuses.get(answer.statusCode) ?? 0) + 1);
        if (answer.statusCode >= 500) fail(`${answer.statusCode}`, `${what} → ${text.slice(0, 200)}`);
        else if (answer.statusCode >= 400 && generated.method !== 'HEAD') {
          let error: { code?: unknown; message?: unknown } | undefined;
          try {
            error = (JSON.parse(text) as { error?: typeof error }).error;
          } catch {
            error = undefined;
          }
          if (typeof error?.code !== 'string' || typeof error?.message !== 'string') {
            const code = /"code":"([A-Z_]+)"/.exec(text)?.[1] ?? 'no code';
            fail(`${answer.statusCode} without a JSON error body (${code})`, `${what} → ${text.slice(0, 160)}`);
          }
        }
      } catch (error) {
        // Over the body limit Tally answers 413 at once and may close while the client is
        // still sending: a refusal the client cannot read, not a failure (api-validation
        // checks the 413 itself).
        const oversized = generated.body !== undefined && Buffer.byteLength(generated.body) > BODY_LIMIT;
        if (oversized && /EPIPE|ECONNRESET|other side closed|socket/i.test((error as Error).message)) continue;
        fail(`no answer: ${(error as Error).message}`, what);
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  await dispatcher.close();

  expect(Object.fromEntries(failures)).toEqual({});
  expect(tally.child.exitCode).toBeNull();
  expect([...statuses.keys()].some((status) => status >= 400)).toBe(true);
  expect((await tally.api('GET', '/api/health')).body).toEqual({ status: 'ok' });
  const before = (await tally.api('GET', `/api/elements/${canary}/stream`)).body.entries.length as number;
  await waitFor(() => tally.api('GET', `/api/elements/${canary}`), (answer) => answer.body.state === 'active', 5_000, 'the canary active');
  await waitFor(() => tally.api('GET', `/api/elements/${canary}/stream`), (answer) => answer.body.entries.length > before || before >= 50, 5_000, 'the canary polling');
}, 120_000);
