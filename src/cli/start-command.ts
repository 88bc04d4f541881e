/**
 * `tally start` and `tally demo`: run Tally until SIGINT or SIGTERM, then stop polling,
 * flush every pending write and close cleanly.
 */
import { parseArgs } from 'node:util';
import { monitoringExtension } from '../alarms/monitoring-extension.js';
import { createTally, type Tally } from '../app/create-tally.js';
import type { CliContext } from './cli-context.js';
import { createCliLogger } from './cli-logger.js';
import { resolveSettings, SERVE_OPTIONS } from './cli-settings.js';
import { applyHeapGrowth } from './heap-growth.js';
import { startDemoDevices, stopDemoDevices, type DemoDevice } from './demo-simulators.js';

export async function runStart(args: string[], context: CliContext, demo: boolean): Promise<number> {
  const { values } = parseArgs({ args, options: SERVE_OPTIONS, strict: true, allowPositionals: false });
  const { heapGrowthPercent, ...settings } = resolveSettings(values, context.env);
  const logger = createCliLogger(context.env.TALLY_LOG_LEVEL);
  applyHeapGrowth(heapGrowthPercent);
  logger.info({ heapGrowthPercent: heapGrowthPercent || 'chosen by V8' }, 'JavaScript heap growth before a full collection');
  const tally = await createTally({
    ...settings,
    adminToken: context.env.TALLY_ADMIN_TOKEN || undefined,
    connectorsDir: context.env.TALLY_CONNECTORS_DIR || undefined,
    extensions: [monitoringExtension()],
    logger,
    env: context.env,
  });
  let devices: DemoDevice[] = [];
  try {
    if (demo) devices = await startDemoDevices(tally);
    printWelcome(context, tally, devices);
    const signal = await context.stopRequested;
    logger.info({ signal }, 'stopping: flushing pending writes');
  } finally {
    await tally.close();
    await stopDemoDevices(devices);
  }
  logger.info('stopped');
  return 0;
}

function printWelcome(context: CliContext, tally: Tally, devices: DemoDevice[]): void {
  const lines = [`Tally is running: ${tally.url}`];
  if (tally.adminTokenGenerated) {
    lines.push(
      `Admin API token (generated for this start; set TALLY_ADMIN_TOKEN to choose one): ${tally.adminToken}`,
      `Sign in to the UI with this token, or add users: tally user add <name> --role operator`,
    );
  } else {
    lines.push('Admin API token: the one in TALLY_ADMIN_TOKEN');
  }
  for (const device of devices) {
    lines.push(`Simulated ${device.connector.name}: ${device.simulator.url} → element ${device.elementId}`);
  }
  const token = tally.adminTokenGenerated ? tally.adminToken : '$TALLY_ADMIN_TOKEN';
  lines.push(
    '',
    'Try:',
    `  curl -s -H "Authorization: Bearer ${token}" ${tally.url}/api/elements`,
    `  curl -s -H "Authorization: Bearer ${token}" ${tally.url}/api/elements/<id>/params`,
    `  curl -s -H "Authorization: Bearer ${token}" -X POST ${tally.url}/api/elements/<id>/restart`,
    `The API is described at ${tally.url}/api/openapi.json. Stop with Ctrl+C.`,
  );
  context.print(lines.join('\n'));
}
