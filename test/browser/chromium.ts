/**
 * Debian's Chromium driven by playwright-core. No browser is ever downloaded: when
 * /usr/bin/chromium is missing the tests fail and say how to install it.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.TALLY_CHROMIUM ?? '/usr/bin/chromium';
const RESULTS_DIR = 'test-results';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export interface Browser {
  /** A page in a context of its own: no cookie or session is shared between pages. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * A headless Chromium; throws with the fix when Chromium is absent. Playwright gives every
 * launch a fresh temporary --user-data-dir and removes it on close.
 */
export async function launchChromium(viewport = { width: 1600, height: 1000 }): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. The browser tests need Debian's Chromium: ` +
        'run `apt-get update && apt-get install -y chromium` (never a downloaded browser).',
    );
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS, timeout: 30_000 });
  return {
    async newPage() {
      const context = await browser.newContext({ viewport, deviceScaleFactor: 1, colorScheme: 'dark' });
      context.setDefaultTimeout(15_000);
      const page = await context.newPage();
      // The context goes with its page; when the whole browser is closing it is already gone.
      page.on('close', () => void context.close().catch(() => undefined));
      return page;
    },
    close: () => browser.close(),
  };
}

/** Saves what the page showed when a test failed, for the person reading the CI log. */
export async function screenshotOnFailure(page: Page, testName: string): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${testName.replace(/[^\w-]+/g, '-').toLowerCase()}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
