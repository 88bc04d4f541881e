/**
 * `tally demo`: every connector that ships a simulator gets one on a free loopback port and
 * one element pointed at it. A demo element from an earlier run is re-pointed at the new
 * simulator rather than duplicated.
 */
import type { Tally } from '../app/create-tally.js';
import type { Actor, CreateElementInput } from '../runtime/element-service.js';
import type { ConnectorDefinition, RunningSimulator } from '../sdk/index.js';

const DEMO_ACTOR: Actor = { user: 'demo', role: 'admin', address: 'tally demo' };

export interface DemoDevice {
  connector: ConnectorDefinition;
  simulator: RunningSimulator;
  elementId: string;
}

export async function startDemoDevices(tally: Tally): Promise<DemoDevice[]> {
  const devices: DemoDevice[] = [];
  try {
    for (const connector of tally.registry.list()) {
      if (!connector.simulator) continue;
      const simulator = await (await connector.simulator()).start({ host: '127.0.0.1', port: 0, seed: 1 });
      devices.push({ connector, simulator, elementId: await ensureDemoElement(tally, connector, simulator).catch(closing(simulator)) });
    }
  } catch (error) {
    await stopDemoDevices(devices);
    throw error;
  }
  return devices;
}

export async function stopDemoDevices(devices: DemoDevice[]): Promise<void> {
  await Promise.allSettled(devices.map((device) => device.simulator.close()));
}

/** Closes the simulator of a device that could not be set up, then passes the failure on. */
function closing(simulator: RunningSimulator): (error: unknown) => Promise<never> {
  return async (error) => {
    await simulator.close();
    throw error;
  };
}

async function ensureDemoElement(tally: Tally, connector: ConnectorDefinition, simulator: RunningSimulator): Promise<string> {
  const name = `${connector.name} (demo)`;
  const template = simulator.elementTemplate;
  const connection = { ...template.connection, host: String(template.connection.host ?? '127.0.0.1') } as CreateElementInput['connection'];
  const existing = tally.elements.list().find((element) => element.connector === connector.id && element.name === name);
  if (existing) {
    await tally.elements.update(existing.id, { connection, params: template.params }, DEMO_ACTOR);
    return existing.id;
  }
  const created = await tally.elements.create({ name, connector: connector.id, connection, params: template.params }, DEMO_ACTOR);
  await tally.audit.record({
    user: DEMO_ACTOR.user,
    address: null,
    action: 'element.create',
    elementId: created.id,
    target: name,
    inputs: { connector: connector.id, simulator: simulator.url },
    result: 'ok',
  });
  return created.id;
}
