/**
 * Monitoring in a real browser (Debian's Chromium through playwright-core) against a real
 * Tally with the Haivision simulator: the alarm console fed live by a fault injected through
 * the simulator's /_sim/ API, acknowledging, history, trend charts, the alarm template
 * editor, and the Web Interface page's frame under Tally's CSP.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { launchChromium, screenshotOnFailure, type Browser } from './chromium.js';
import { bodyRows, cellText, grid, gridRow, notices, openCard, paramRow, signInWithToken } from './operator-page.js';
import { clearSdiOutput, faultSdiOutput } from './simulator-control.js';
import { elementFor, startTallyStack, type TallyStack } from './tally-stack.js';

const LIVE_TIMEOUT = 20_000;
const poll = { timeout: LIVE_TIMEOUT, interval: 200 };
const VIEWER = { username: 'console-viewer', password: 'quiet night shift' };

let stack: TallyStack;
let browser: Browser;
let elementId: string;

beforeAll(async () => {
  browser = await launchChromium();
  stack = await startTallyStack({ seed: 11 });
  elementId = (await stack.api<{ id: string }>('POST', '/api/elements', elementFor(stack.haivision, 'haivision-manager', 'StreamHub Alarms'))).id;
  await stack.api('POST', '/api/users', { ...VIEWER, role: 'viewer' });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** A fresh page that leaves a screenshot in test-results/ when its test fails. */
async function freshPage(testName: string): Promise<Page> {
  const page = await browser.newPage();
  onTestFailed(async () => {
    const path = await screenshotOnFailure(page, testName);
    console.error(`screenshot of the failed test: ${path}`);
  });
  return page;
}

async function adminPage(testName: string): Promise<Page> {
  const page = await freshPage(testName);
  await signInWithToken(page, stack.tally.url, stack.tally.adminToken);
  return page;
}

async function viewerPage(testName: string): Promise<Page> {
  const page = await freshPage(testName);
  await page.goto(stack.tally.url + '/');
  await page.getByLabel('Username', { exact: true }).fill(VIEWER.username);
  await page.getByLabel('Password', { exact: true }).fill(VIEWER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Elements' }).waitFor();
  return page;
}

async function waitForElementActive(): Promise<void> {
  await expect.poll(async () => (await stack.api<{ state: string }>('GET', `/api/elements/${elementId}`)).state, poll).toBe('active');
}

/** Collects what the browser says when the CSP refuses something (a frame, a script, a style). */
function cspRefusals(page: Page): string[] {
  const refusals: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) refusals.push(message.text());
  });
  return refusals;
}

describe('monitoring UI in Chromium', { timeout: 90_000 }, () => {
  it('shows an SDI output fault live, acknowledges it with a comment, and moves it to history when it clears', async () => {
    const page = await adminPage('alarm-lifecycle');
    await page.getByRole('link', { name: 'Alarms', exact: true }).click();
    await page.getByRole('heading', { name: 'Alarms' }).waitFor();
    const active = grid(page, 'Active alarms');
    await active.waitFor();

    await waitForElementActive();
    await faultSdiOutput(stack.haivision, 2);
    const row = gridRow(active, 'SDI 2 · Status');
    await row.waitFor({ timeout: LIVE_TIMEOUT });
    expect(await cellText(active, row, 'Severity')).toBe('Major');
    expect(await row.locator('[data-severity="major"]').count()).toBe(1);
    expect(await cellText(active, row, 'Element')).toBe('StreamHub Alarms');
    expect(await cellText(active, row, 'Acknowledged')).toBe('No');

    await row.getByRole('button', { name: /^Acknowledge/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Acknowledge alarm' });
    await dialog.getByLabel('Comment').fill('Field engineer called, cable reseated');
    await dialog.getByRole('button', { name: 'Acknowledge', exact: true }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => cellText(active, row, 'Acknowledged'), poll).toContain('Field engineer called, cable reseated');
    await page.getByLabel('Filter by acknowledgement').selectOption('unacknowledged');
    await expect.poll(() => row.count()).toBe(0);
    await page.getByLabel('Filter by acknowledgement').selectOption('any');
    await row.waitFor();

    await clearSdiOutput(stack.haivision, 2);
    await expect.poll(() => row.count(), poll).toBe(0);

    await page.getByRole('link', { name: 'History', exact: true }).click();
    const history = grid(page, 'Alarm history');
    const past = gridRow(history, 'SDI 2 · Status');
    await past.waitFor();
    expect(await cellText(history, past, 'Cleared')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    await past.getByRole('button', { name: /^History of alarm/ }).click();
    const lifecycle = page.getByRole('list', { name: 'Alarm lifecycle' });
    await expect.poll(() => lifecycle.locator('li').evaluateAll((items) => items.map((item) => item.getAttribute('data-change'))), poll).toEqual(
      expect.arrayContaining(['raised', 'acknowledged', 'cleared']),
    );
    expect(await lifecycle.textContent()).toContain('Field engineer called, cable reseated');
    await page.close();
  });

  it('keeps acknowledging from a viewer, saying why, and shows them the template read-only', async () => {
    await waitForElementActive();
    await faultSdiOutput(stack.haivision, 3);
    const page = await viewerPage('viewer-cannot-ack');
    await page.goto(stack.tally.url + '/#/alarms');
    const active = grid(page, 'Active alarms');
    const row = gridRow(active, 'SDI 3 · Status');
    await row.waitFor({ timeout: LIVE_TIMEOUT });
    const ack = row.getByRole('button', { name: /^Acknowledge/ });
    expect(await ack.isDisabled()).toBe(true);
    expect(await ack.getAttribute('title')).toBe('Acknowledging needs the operator role');
    expect(await page.locator('.read-only-note').textContent()).toContain('needs the operator role');

    await openCard(page, stack.tally.url, elementId, 'alarm-template');
    const editor = page.getByLabel('Alarm template JSON');
    await expect.poll(() => editor.inputValue(), poll).toContain('sdiOutputs.status');
    expect(await editor.getAttribute('readonly')).not.toBeNull();
    expect(await page.getByRole('button', { name: 'Save template' }).count()).toBe(0);
    await clearSdiOutput(stack.haivision, 3);
    await page.close();
  });

  it('lets an admin edit the alarm template, showing Tally’s validation message, and reset it', async () => {
    const page = await adminPage('alarm-template');
    await openCard(page, stack.tally.url, elementId, 'alarm-template');
    const editor = page.getByLabel('Alarm template JSON');
    const source = page.locator('.alarm-template [data-source]');
    await expect.poll(() => source.textContent(), poll).toBe('Connector default');
    const defaults = JSON.parse(await editor.inputValue()) as { rules: { id: string; target: Record<string, string> }[] };

    await editor.fill('{ "rules": [ { "id": "x", } ] }');
    await page.getByRole('button', { name: 'Save template' }).click();
    await expect.poll(() => page.locator('.template-error').textContent()).toMatch(/Not valid JSON/);

    const broken = { rules: [{ ...defaults.rules[0], target: { param: 'noSuchParameter' } }] };
    await editor.fill(JSON.stringify(broken));
    await page.getByRole('button', { name: 'Save template' }).click();
    await expect.poll(() => page.locator('.template-error').textContent(), poll).toMatch(/noSuchParameter/);

    await editor.fill(JSON.stringify({ rules: defaults.rules.slice(0, 1) }));
    await page.getByRole('button', { name: 'Save template' }).click();
    await expect.poll(() => source.textContent(), poll).toBe('Own template');
    expect((await stack.api<{ source: string; rules: unknown[] }>('GET', `/api/elements/${elementId}/alarm-template`)).rules).toHaveLength(1);

    await page.getByRole('button', { name: 'Reset to connector defaults' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Reset template' }).click();
    await expect.poll(() => source.textContent(), poll).toBe('Connector default');
    expect((await stack.api<{ source: string }>('GET', `/api/elements/${elementId}/alarm-template`)).source).toBe('connector');
    await expect.poll(() => notices(page).last().textContent()).toContain('default alarm template again');
    await page.close();
  });

  it('opens the trend of a trended parameter and of a trended cell, and draws it', async () => {
    const page = await adminPage('trend-chart');
    const refusals = cspRefusals(page);
    await openCard(page, stack.tally.url, elementId);
    const trendQueries: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes(`/api/elements/${elementId}/trends/`)) trendQueries.push(request.url());
    });
    await paramRow(page, 'liveInputCount').getByRole('link', { name: 'Trend of Live Inputs' }).click();
    await expect.poll(() => page.getByRole('tab', { name: 'Trends' }).getAttribute('aria-selected')).toBe('true');
    const chart = page.locator('.trend-chart');
    await expect.poll(() => chart.getAttribute('data-window'), poll).toBe('raw');
    expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThan(0);
    await expect.poll(() => chart.locator('.trend-plot canvas').count(), poll).toBe(1);
    expect(trendQueries.some((url) => url.includes('/trends/liveInputCount?') && url.includes('window=raw'))).toBe(true);

    await page.getByRole('button', { name: '24 h' }).click();
    await expect.poll(() => chart.getAttribute('data-window'), poll).toBe('5m');
    expect(trendQueries.some((url) => url.includes('window=5m'))).toBe(true);
    await expect.poll(() => chart.locator('.u-legend').textContent(), poll).toContain('Live Inputs (avg)');

    await page.getByRole('tab', { name: 'Field Units' }).click();
    const units = grid(page, 'Field Units');
    await expect.poll(() => bodyRows(units).count(), poll).toBeGreaterThan(0);
    const name = await cellText(units, bodyRows(units).first(), 'Name');
    await bodyRows(units).first().getByRole('link', { name: `Trend of ${name} Rx Bitrate` }).click();
    await expect.poll(() => page.locator('.trend-panel h2').textContent(), poll).toBe(`${name} Rx Bitrate`);
    await expect.poll(() => chart.getAttribute('data-points'), poll).not.toBeNull();
    await expect.poll(() => chart.locator('.trend-plot canvas').count(), poll).toBe(1);
    expect(trendQueries.some((url) => url.includes('/trends/inputs.rxBitrate?') && url.includes('row='))).toBe(true);
    expect(refusals).toEqual([]);
    await page.close();
  });

  it('hides the columns a connector keeps for its own actions', async () => {
    const page = await adminPage('hidden-columns');
    await openCard(page, stack.tally.url, elementId, 'outputs');
    const sdi = grid(page, 'SDI Outputs');
    await expect.poll(() => bodyRows(sdi).count(), poll).toBeGreaterThan(0);
    const headers = (await sdi.getByRole('columnheader').allTextContents()).map((text) => text.replace(/[▲▼]/g, '').trim());
    expect(headers).toContain('Source');
    expect(headers).not.toContain('Source Input');
    expect(headers).not.toContain('Output Type');
    await page.close();
  });

  it('frames the device’s own web interface without a CSP refusal', async () => {
    const page = await adminPage('web-interface');
    const refusals = cspRefusals(page);
    await openCard(page, stack.tally.url, elementId, 'webInterface');
    const root = stack.haivision.url + '/';
    await expect.poll(() => page.frames().some((frame) => frame.url() === root), poll).toBe(true);
    const frame = page.frames().find((candidate) => candidate.url() === root)!;
    await expect.poll(() => frame.evaluate(() => document.body?.textContent ?? ''), poll).not.toBe('');
    expect(refusals).toEqual([]);
    expect(await page.getByRole('link', { name: /in a new tab/ }).getAttribute('href')).toBe(stack.haivision.url);
    await page.close();
  });
});
