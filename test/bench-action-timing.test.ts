import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandSentAt, isOperatorCommand, splitActionLatency } from '../bench/action-timing.js';
import { TallyApi } from '../bench/tally-api.js';
import { API_KEY, type Harness, startHarness, waitFor } from './haivision-harness.js';

let h: Harness;
let api: TallyApi;
let elementId: string;

beforeAll(async () => {
  h = await startHarness();
  await h.sim_('POST', '/_sim/outputs/sdi/2', { enable: false });
  const created = await h.api('POST', '/api/elements', {
    name: 'StreamHub timed',
    connector: 'haivision-manager',
    connection: h.sim.elementTemplate.connection,
    params: { apiKey: API_KEY },
  });
  elementId = created.body.id;
  api = new TallyApi(h.tally.url, h.tally.adminToken);
  await waitFor(async () => (await h.api('GET', `/api/elements/${elementId}/tables/sdiOutputs`)).body.rows.length, (rows) => rows === 2, 8_000, 'outputs');
}, 30_000);

afterAll(async () => {
  await api?.close();
  await h?.close();
});

describe('the bench action timing', () => {
  it('counts playing and stopping as commands, and polls as not', () => {
    expect(isOperatorCommand('GET', '/inputs/1/playStream/2/enable')).toBe(true);
    expect(isOperatorCommand('GET', '/inputs/1/playIPStream/2/disable')).toBe(true);
    expect(isOperatorCommand('POST', '/config/item')).toBe(true);
    expect(isOperatorCommand('GET', '/config/item')).toBe(false);
    expect(isOperatorCommand('GET', '/inputs/1/linkStats')).toBe(false);
    expect(isOperatorCommand('GET', '/outputs')).toBe(false);
  });

  it("finds when Tally started an action's device request, in its stream viewer", async () => {
    const calledAt = Date.now();
    const played = await api.call('POST', `/api/elements/${elementId}/actions/playStream`, { rows: ['sdi_2'], inputs: { source: '1' } });
    expect(played.status).toBe(200);
    const answeredAt = Date.now();
    const sentAt = await commandSentAt(api, elementId, calledAt);
    expect(sentAt).not.toBeNull();
    expect(sentAt!).toBeGreaterThanOrEqual(calledAt);
    expect(sentAt!).toBeLessThanOrEqual(answeredAt);
    // Polls after the action are not commands: a later call finds nothing newer.
    expect(await commandSentAt(api, elementId, answeredAt + 1)).toBeNull();
  });

  it('splits each action with all three instants into its part in Tally and its part to the device', () => {
    const split = splitActionLatency([
      { calledAt: 1_000, sentAt: 1_012, receivedAt: 1_015 },
      { calledAt: 2_000, sentAt: null, receivedAt: 2_300 },
      { calledAt: 3_000, sentAt: 3_002, receivedAt: null },
      { calledAt: 4_001, sentAt: 4_000, receivedAt: 4_250 },
    ]);
    expect(split).toEqual({ inTally: [12, 0], toDevice: [3, 250] });
  });
});
