/**
 * Makes the README's screenshots against the simulators: docs/element-card-outputs.png (the
 * element card of a Haivision Manager element on its Outputs page, with the SDI context menu
 * open) and docs/alarm-console.png (the alarm console with faults injected through /_sim/).
 * Run with `npx tsx scripts/screenshot.ts`.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../test/browser/chromium.js';
import { bodyRows, grid, gridRow, openCard, signInWithToken } from '../test/browser/operator-page.js';
import { faultSdiOutput } from '../test/browser/simulator-control.js';
import { elementFor, startTallyStack } from '../test/browser/tally-stack.js';

const OUTPUT = fileURLToPath(new URL('../docs/element-card-outputs.png', import.meta.url));
const ALARMS_OUTPUT = fileURLToPath(new URL('../docs/alarm-console.png', import.meta.url));

async function main(): Promise<void> {
  const stack = await startTallyStack({ seed: 7 });
  const browser = await launchChromium({ width: 1440, height: 900 });
  try {
    const element = await stack.api<{ id: string }>('POST', '/api/elements', elementFor(stack.haivision, 'haivision-manager', 'StreamHub Paris'));
    await stack.api('POST', '/api/elements', elementFor(stack.cloudport, 'amagi-cloudport', 'CLOUDPORT Acme'));
    const page = await browser.newPage();
    await signInWithToken(page, stack.tally.url, stack.tally.adminToken);
    await openCard(page, stack.tally.url, element.id, 'outputs');
    const sdi = grid(page, 'SDI Outputs');
    await waitUntil(async () => (await bodyRows(sdi).count()) > 0 && (await bodyRows(grid(page, 'IP Outputs')).count()) > 0);
    await page.locator('.card-head [data-state="active"]').waitFor();
    const row = gridRow(sdi, 'SDI 2');
    const box = await row.boundingBox();
    if (!box) throw new Error('SDI 2 is not on screen');
    await page.mouse.click(box.x + 420, box.y + box.height / 2, { button: 'right' });
    await page.getByRole('menu').waitFor();
    await page.mouse.move(box.x + 440, box.y + box.height + 14);
    mkdirSync(fileURLToPath(new URL('../docs/', import.meta.url)), { recursive: true });
    await page.screenshot({ path: OUTPUT });
    console.log(`wrote ${OUTPUT}`);

    await faultSdiOutput(stack.haivision, 3);
    await faultSdiOutput(stack.haivision, 4, 4);
    await stack.api('POST', '/api/elements', {
      name: 'Encoder Marseille',
      connector: 'haivision-manager',
      connection: { host: '127.0.0.1', port: 9, elementTimeout: 1_000, requestTimeout: 500, retries: 0 },
      params: { apiKey: 'unused' },
    });
    await page.goto(`${stack.tally.url}/#/alarms`);
    const alarms = grid(page, 'Active alarms');
    await waitUntil(async () => (await bodyRows(alarms).count()) >= 3, 'the alarms did not show in time');
    await page.mouse.move(0, 0);
    await page.screenshot({ path: ALARMS_OUTPUT });
    console.log(`wrote ${ALARMS_OUTPUT}`);
  } finally {
    await browser.close();
    await stack.close();
  }
}

async function waitUntil(condition: () => Promise<boolean>, failure = 'the Outputs page did not fill in time', timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(failure);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

await main();
