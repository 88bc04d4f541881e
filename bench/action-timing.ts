/**
 * Where an operator's action spends its time on the way to the device. The bench's action
 * latency runs from the API call to the simulated device reading the command; this splits
 * it at the moment Tally's session started the device request, as the element's stream
 * viewer recorded it (millisecond resolution; the request is written at the end of that
 * turn of the event loop):
 * - in Tally: the API, the element's queue (an action waits for the poll the element is
 *   running), the concurrency slot, the action's own handler;
 * - to the device: the loopback and the farm. The farm shares the machine's two cores with
 *   Tally at a lower priority, so a farm process stalled by its collector or kept off a
 *   core shows here, where real devices on hardware of their own would not.
 */
import type { TallyApi } from './tally-api.js';

/** The requests a simulated StreamHub counts as an operator's command: playing or stopping an output. */
const COMMAND_PATH = /\/play(IP)?Stream\//;

export function isOperatorCommand(method: string, path: string): boolean {
  return COMMAND_PATH.test(path) || (method !== 'GET' && path === '/config/item');
}

/**
 * One action's instants (epoch ms): the API call and Tally's device request by the system
 * clock (`Date.now()`, as Tally's stream viewer records it: the bench's own precise clock
 * can run a millisecond apart from it, and an action often reaches Tally's request within
 * two), and the device reading it by the farm's precise clock.
 */
export interface ActionTiming {
  calledAt: number;
  sentAt: number | null;
  receivedAt: number | null;
}

interface StreamLine {
  time: number;
  method: string;
  url: string;
}

/**
 * When the element's session started the first command to its device at or after
 * `calledAt` (`Date.now()`), from its stream viewer; null if the viewer no longer holds it.
 * Reading the viewer makes it keep the details of the element's next exchanges for a
 * while, which the bench's few hundred operated elements can afford and its thousands of
 * others never see.
 */
export async function commandSentAt(api: TallyApi, elementId: string, calledAt: number): Promise<number | null> {
  const answer = await api.call<{ entries: StreamLine[] }>('GET', `/api/elements/${elementId}/stream`);
  if (answer.status !== 200) return null;
  for (const entry of answer.body.entries) {
    if (entry.time >= calledAt && isOperatorCommand(entry.method, new URL(entry.url).pathname)) return entry.time;
  }
  return null;
}

/** The two parts of every action that has all three instants, in ms. */
export function splitActionLatency(timings: ActionTiming[]): { inTally: number[]; toDevice: number[] } {
  const inTally: number[] = [];
  const toDevice: number[] = [];
  for (const { calledAt, sentAt, receivedAt } of timings) {
    if (sentAt === null || receivedAt === null) continue;
    inTally.push(Math.max(0, sentAt - calledAt));
    toDevice.push(Math.max(0, receivedAt - sentAt));
  }
  return { inTally, toDevice };
}
