/**
 * Makes docs/element-card-outputs.png for the README: the element card of a Haivision
 * Manager element on its Outputs page, against the simulator, with the SDI context menu open.
 * Run with `npx tsx scripts/screenshot.ts`.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../test/browser/chromium.js';
import { bodyRows, grid, gridRow, openCard, signInWithToken } from '../test/browser/operator-page.js';
import { elementFor, startTallyStack } from '../test/browser/tally-stack.js';

const OUTPUT = fileURLToPath(new URL('../docs/element-card-outputs.png', import.meta.url));

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
  } finally {
    await browser.close();
    await stack.close();
  }
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('the Outputs page did not fill in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

await main();
