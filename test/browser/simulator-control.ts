/** Drives the simulated StreamHub for browser tests and screenshots: its /_sim/ control routes and its device API. */
import type { RunningSimulator } from '../../src/sdk/index.js';

/** A `/_sim/` control route, or a device API path (the element's api_key is added). */
export async function simulatorCall(simulator: RunningSimulator, method: 'GET' | 'POST', path: string, body?: unknown): Promise<void> {
  const url = new URL(simulator.url + path);
  if (!path.startsWith('/_sim/')) url.searchParams.set('api_key', String(simulator.elementTemplate.params.apiKey));
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
}

/** SDI output `index` plays live input `index` and then fails: the output reports status 3 (error). */
export async function faultSdiOutput(simulator: RunningSimulator, index: number, status: 3 | 4 = 3): Promise<void> {
  await simulatorCall(simulator, 'POST', `/_sim/inputs/${index}`, { connected: true, live: true });
  await simulatorCall(simulator, 'GET', `/inputs/${index}/playStream/${index}/enable`);
  await simulatorCall(simulator, 'POST', `/_sim/outputs/sdi/${index}`, { fault: { token: 'CONNECTION_LOST', status } });
}

/** Clears the fault and stops the output, so it is idle whatever its source does next. */
export async function clearSdiOutput(simulator: RunningSimulator, index: number): Promise<void> {
  await simulatorCall(simulator, 'POST', `/_sim/outputs/sdi/${index}`, { fault: null, enable: false });
}
