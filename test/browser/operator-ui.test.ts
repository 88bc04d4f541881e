/**
 * The operator UI in a real browser (Debian's Chromium through playwright-core) against a
 * real Tally with both device simulators, as `tally demo` runs them.
 */
import type { Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { launchChromium, screenshotOnFailure, type Browser } from './chromium.js';
import { bodyRows, cellText, grid, gridRow, notices, openCard, paramRow, signInWithToken } from './operator-page.js';
import { elementFor, startTallyStack, type TallyStack } from './tally-stack.js';

const LIVE_TIMEOUT = 20_000;
const poll = { timeout: LIVE_TIMEOUT, interval: 200 };

let stack: TallyStack;
let browser: Browser;
let haivisionId: string;
let cloudportId: string;

beforeAll(async () => {
  browser = await launchChromium();
  stack = await startTallyStack({ switchoverMs: 6_000 });
  haivisionId = (await stack.api<{ id: string }>('POST', '/api/elements', elementFor(stack.haivision, 'haivision-manager', 'StreamHub Lyon'))).id;
  cloudportId = (await stack.api<{ id: string }>('POST', '/api/elements', elementFor(stack.cloudport, 'amagi-cloudport', 'CLOUDPORT Acme'))).id;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** A fresh page, signed in, that leaves a screenshot in test-results/ when its test fails. */
async function signedInPage(testName: string): Promise<Page> {
  const page = await browser.newPage();
  onTestFailed(async () => {
    const path = await screenshotOnFailure(page, testName);
    console.error(`screenshot of the failed test: ${path}`);
  });
  await signInWithToken(page, stack.tally.url, stack.tally.adminToken);
  return page;
}

async function waitForElementActive(id: string): Promise<void> {
  await expect.poll(async () => (await stack.api<{ state: string }>('GET', `/api/elements/${id}`)).state, poll).toBe('active');
}

describe('operator UI in Chromium', { timeout: 90_000 }, () => {
  it('signs in with the admin token, refusing a wrong one', async () => {
    const page = await browser.newPage();
    onTestFailed(async () => void (await screenshotOnFailure(page, 'sign-in')));
    await page.goto(stack.tally.url + '/');
    await page.locator('label', { hasText: 'API token' }).click();
    await page.locator('input[name=token]').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), poll).toMatch(/not valid/i);

    await page.locator('input[name=token]').fill(stack.tally.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Elements' }).waitFor();
    const elements = grid(page, 'Elements');
    await gridRow(elements, 'StreamHub Lyon').waitFor();
    await expect.poll(async () => cellText(elements, gridRow(elements, 'CLOUDPORT Acme'), 'State'), poll).toBe('Active');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.close();
  });

  it('signs a viewer in with a password and offers no control they may not use', async () => {
    await stack.api('POST', '/api/users', { username: 'night-viewer', password: 'correct horse battery', role: 'viewer' });
    const page = await browser.newPage();
    onTestFailed(async () => void (await screenshotOnFailure(page, 'viewer')));
    await page.goto(stack.tally.url + '/');
    await page.getByLabel('Username', { exact: true }).fill('night-viewer');
    await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Elements' }).waitFor();
    expect(await page.getByRole('link', { name: 'New element' }).count()).toBe(0);

    await openCard(page, stack.tally.url, haivisionId, 'outputs');
    const sdi = grid(page, 'SDI Outputs');
    await expect.poll(() => bodyRows(sdi).count(), poll).toBe(4);
    await gridRow(sdi, 'SDI 1').click({ button: 'right' });
    const play = page.getByRole('menuitem', { name: /Play Stream/ });
    expect(await play.getAttribute('aria-disabled')).toBe('true');
    expect(await play.textContent()).toContain('needs operator role');
    await page.keyboard.press('Escape');
    await openCard(page, stack.tally.url, cloudportId, 'logging');
    await paramRow(page, 'maxLogs').waitFor();
    expect(await paramRow(page, 'maxLogs').getByRole('button').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Retrieve Logs' }).isDisabled()).toBe(true);
    await page.close();
  });

  it('pauses and activates an element from the row menu, the state changing live', async () => {
    const page = await signedInPage('row-menu-pause');
    const elements = grid(page, 'Elements');
    const row = gridRow(elements, 'StreamHub Lyon');
    await row.getByRole('button', { name: 'Actions for StreamHub Lyon' }).click();
    await page.getByRole('menuitem', { name: 'Pause' }).click();
    await expect.poll(() => cellText(elements, row, 'State'), poll).toBe('Paused');

    await row.click({ button: 'right' });
    const menu = page.getByRole('menu', { name: 'Element actions' });
    await expect.poll(() => menu.getByRole('menuitem', { name: /Pause/ }).getAttribute('aria-disabled')).toBe('true');
    await menu.getByRole('menuitem', { name: 'Activate' }).click();
    await expect.poll(() => cellText(elements, row, 'State'), poll).toBe('Active');

    await row.click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Restart' }).click();
    await expect.poll(() => notices(page).last().textContent(), poll).toContain('Restarted: StreamHub Lyon');
    await page.close();
  });

  it('shows the state and the highest active alarm of an element whose device does not answer', async () => {
    const unreachable = await stack.api<{ id: string }>('POST', '/api/elements', {
      name: 'Unreachable Encoder',
      connector: 'haivision-manager',
      connection: { host: '127.0.0.1', port: 9, elementTimeout: 1_000, requestTimeout: 500, retries: 0 },
      params: { apiKey: 'unused' },
    });
    const page = await signedInPage('alarm-column');
    const elements = grid(page, 'Elements');
    const row = gridRow(elements, 'Unreachable Encoder');
    await expect.poll(() => cellText(elements, row, 'State'), poll).toBe('Timeout');
    await expect.poll(() => cellText(elements, row, 'Alarm'), poll).toBe('Timeout');
    expect(await cellText(elements, row, 'Reason')).not.toBe('');

    await openCard(page, stack.tally.url, unreachable.id);
    await expect.poll(() => page.locator('.card-alarms').textContent(), poll).toBe('Timeout1 active alarm');
    await page.close();
  });

  it('creates a Haivision element through the form, showing the API refusal beside the field', async () => {
    const page = await signedInPage('create-haivision');
    await page.getByRole('link', { name: 'New element' }).click();
    await page.getByLabel('Connector').selectOption('haivision-manager');
    await page.getByLabel('Element name').fill('StreamHub Paris');
    await page.getByLabel('Port', { exact: true }).fill(String(stack.haivision.port));
    await page.getByLabel('API Key').fill(String(stack.haivision.elementTemplate.params.apiKey));
    await page.getByRole('button', { name: 'Create element' }).click();
    const hostField = page.locator('.field', { has: page.getByLabel('Host or IP address') });
    await expect.poll(() => hostField.locator('.field-error').textContent(), poll).toMatch(/host/i);

    await page.getByLabel('Host or IP address').fill('127.0.0.1');
    await page.getByRole('button', { name: 'Create element' }).click();
    await expect.poll(() => page.locator('#card-title').textContent(), poll).toBe('StreamHub Paris');
    await expect.poll(() => page.locator('.card-head [data-state]').textContent(), poll).toBe('Active');
    await expect.poll(() => paramRow(page, 'identifier').locator('.param-value').textContent(), poll).toMatch(/SH-SIM-/);
    await page.close();
  });

  it('fills the SDI Outputs table of a new element', async () => {
    const created = await stack.api<{ id: string }>('POST', '/api/elements', elementFor(stack.haivision, 'haivision-manager', 'StreamHub Nice'));
    const page = await signedInPage('sdi-table-fills');
    await openCard(page, stack.tally.url, created.id, 'outputs');
    const sdi = grid(page, 'SDI Outputs');
    await expect.poll(() => bodyRows(sdi).count(), poll).toBe(4);
    await expect.poll(() => cellText(sdi, gridRow(sdi, 'SDI 1'), 'Status'), poll).toMatch(/Idle|Live|Warning|Error/);
    await page.close();
  });

  it('plays a stream from the right-click menu choosing the source, then stops it after confirming', async () => {
    await waitForElementActive(haivisionId);
    const page = await signedInPage('play-and-stop');
    await openCard(page, stack.tally.url, haivisionId, 'outputs');
    const sdi = grid(page, 'SDI Outputs');
    await expect.poll(() => bodyRows(sdi).count(), poll).toBe(4);
    const idleName = await firstRowWhere(sdi, 'Enabled', 'No');
    const row = gridRow(sdi, idleName);

    await row.click({ button: 'right' });
    await page.getByRole('menu', { name: 'SDI Outputs actions' }).getByRole('menuitem', { name: /Play Stream/ }).click();
    const dialog = page.getByRole('dialog');
    const source = dialog.getByLabel('Source');
    const options = (await source.locator('option').evaluateAll((nodes) => nodes.map((n) => ({ value: (n as HTMLOptionElement).value, label: n.textContent ?? '' })))).filter((o) => o.value !== '');
    expect(options.length).toBeGreaterThan(0);
    const chosen = options[options.length - 1];
    await source.selectOption(chosen.value);
    await dialog.getByRole('button', { name: 'Play Stream' }).click();
    await expect.poll(() => notices(page).last().textContent(), poll).toContain(`Playing ${chosen.label} on ${idleName}`);
    await expect.poll(() => cellText(sdi, row, 'Enabled'), poll).toBe('Yes');
    await expect.poll(() => cellText(sdi, row, 'Source'), poll).toBe(chosen.label);

    await row.click({ button: 'right' });
    await page.getByRole('menuitem', { name: /Stop Stream/ }).click();
    const confirm = page.getByRole('alertdialog');
    await expect.poll(() => confirm.textContent()).toContain('Viewers of these outputs lose the picture');
    await confirm.getByRole('button', { name: 'Stop Stream' }).click();
    await expect.poll(() => notices(page).last().textContent(), poll).toContain(`Stopped ${idleName}`);
    await expect.poll(() => cellText(sdi, row, 'Enabled'), poll).toBe('No');
    await expect.poll(() => cellText(sdi, row, 'Status'), poll).toBe('Idle');
    await page.close();
  });

  it('opens the context menu from the keyboard, disabling items that do not fit the selection', async () => {
    const page = await signedInPage('keyboard-menu');
    await openCard(page, stack.tally.url, haivisionId, 'outputs');
    const sdi = grid(page, 'SDI Outputs');
    await expect.poll(() => bodyRows(sdi).count(), poll).toBe(4);
    await bodyRows(sdi).first().focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    await expect.poll(() => sdi.locator('[aria-selected="true"]').count()).toBe(2);
    await page.keyboard.press('Shift+F10');
    const menu = page.getByRole('menu', { name: 'SDI Outputs actions' });
    const play = menu.getByRole('menuitem', { name: /Play Stream/ });
    await expect.poll(() => play.getAttribute('aria-disabled')).toBe('true');
    expect(await play.textContent()).toContain('select only one row');
    expect(await menu.getByRole('menuitem', { name: /Stop Stream/ }).getAttribute('aria-disabled')).toBeNull();
    await page.keyboard.press('Escape');
    await expect.poll(() => menu.count()).toBe(0);
    const focusedRole = () => page.evaluate(() => document.activeElement?.getAttribute('role'));
    await expect.poll(focusedRole).toBe('row');

    await page.keyboard.press('ArrowUp');
    await expect.poll(() => sdi.locator('[aria-selected="true"]').count()).toBe(1);
    await page.keyboard.press('ContextMenu');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toContain('Play Stream');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    const insideDialog = () => page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'));
    await expect.poll(insideDialog).toBe(true);
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      expect(await insideDialog()).toBe(true);
    }
    await page.keyboard.press('Shift+Tab');
    expect(await insideDialog()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(focusedRole).toBe('row');
    await page.close();
  });

  it('refuses Retrieve Logs without Max Logs, then sets Max Logs and retrieves the logs', async () => {
    await waitForElementActive(cloudportId);
    const page = await signedInPage('cloudport-logs');
    await openCard(page, stack.tally.url, cloudportId, 'logging');
    await page.getByRole('button', { name: 'Retrieve Logs' }).click();
    await expect.poll(() => page.locator('.notice-bad').last().textContent(), poll).toMatch(/Max Logs/);

    const maxLogs = paramRow(page, 'maxLogs');
    await maxLogs.getByRole('button', { name: 'Edit Max Logs' }).click();
    await maxLogs.getByRole('spinbutton').fill('5');
    await maxLogs.getByRole('button', { name: 'Set' }).click();
    await expect.poll(() => maxLogs.locator('.param-value').textContent(), poll).toBe('5');

    await page.getByRole('button', { name: 'Retrieve Logs' }).click();
    await expect.poll(() => page.locator('.notice-good').last().textContent(), poll).toMatch(/Retrieve Logs/);
    const logs = grid(page, 'Incident History Logs');
    await expect.poll(() => bodyRows(logs).count(), poll).toBeGreaterThan(0);
    expect(await bodyRows(logs).count()).toBeLessThanOrEqual(5);
    await page.close();
  });

  it('starts a switchover and watches the flag and the status change live', async () => {
    await waitForElementActive(cloudportId);
    const page = await signedInPage('cloudport-switchover');
    await openCard(page, stack.tally.url, cloudportId, 'cloudportControl');
    const feed = paramRow(page, 'switchoverFeed');
    await feed.getByRole('button', { name: 'Edit Switchover Feed' }).click();
    const feedChoices = feed.getByRole('combobox');
    await expect.poll(() => feedChoices.locator('option').count(), poll).toBeGreaterThan(1);
    const firstFeed = await feedChoices.locator('option').nth(1).evaluate((option) => (option as HTMLOptionElement).value);
    await feedChoices.selectOption(firstFeed);
    await feed.getByRole('button', { name: 'Set' }).click();
    await expect.poll(() => feed.locator('.param-value').textContent(), poll).toBe(firstFeed);

    const flag = paramRow(page, 'pollSwitchoverStatusFlag').locator('.param-value');
    const status = paramRow(page, 'switchoverStatus').locator('.param-value');
    expect(await flag.textContent()).toMatch(/Off/);
    await page.getByRole('button', { name: 'Switchover', exact: true }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.getByRole('button', { name: 'Switchover', exact: true }).click();
    await expect.poll(() => flag.textContent(), poll).toMatch(/On/);
    await expect.poll(() => status.textContent(), poll).toMatch(/initiated|in progress/);
    await expect.poll(() => status.textContent(), { ...poll, timeout: 30_000 }).toMatch(/completed/);
    await expect.poll(() => flag.textContent(), poll).toMatch(/Off/);
    await page.close();
  });

  it('shows a lost live connection and comes back by itself', async () => {
    const page = await browser.newPage();
    onTestFailed(async () => void (await screenshotOnFailure(page, 'live-reconnect')));
    const sockets: WebSocketRoute[] = [];
    await page.routeWebSocket(/\/api\/live$/, (socket) => {
      socket.connectToServer();
      sockets.push(socket);
    });
    await signInWithToken(page, stack.tally.url, stack.tally.adminToken);
    await page.locator('[data-live="open"]').waitFor();
    await sockets[sockets.length - 1].close();
    await page.locator('[data-live="lost"]').waitFor();
    expect(await page.locator('[data-live="lost"]').textContent()).toContain('Live updates lost');
    await page.locator('[data-live="open"]').waitFor({ timeout: LIVE_TIMEOUT });
    expect(sockets.length).toBeGreaterThanOrEqual(2);

    await stack.api('POST', `/api/elements/${cloudportId}/state`, { state: 'paused' });
    const elements = grid(page, 'Elements');
    await expect.poll(() => cellText(elements, gridRow(elements, 'CLOUDPORT Acme'), 'State'), poll).toBe('Paused');
    await stack.api('POST', `/api/elements/${cloudportId}/state`, { state: 'active' });
    await page.close();
  });

  it('keeps a thousand-element list virtualized and applies live changes by row key', async () => {
    const before = (await stack.api<{ elements: unknown[] }>('GET', '/api/elements')).elements.length;
    for (let batch = 0; batch < 20; batch++) {
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          stack.api('POST', '/api/elements', {
            name: `Encoder ${String(batch * 50 + i + 1).padStart(4, '0')}`,
            connector: 'haivision-manager',
            connection: { host: '127.0.0.1', port: 9 },
            params: { apiKey: 'unused' },
            operatorState: 'paused',
          }),
        ),
      );
    }
    const total = before + 1000;
    const page = await signedInPage('thousand-elements');
    const elements = grid(page, 'Elements');
    await expect.poll(() => elements.getAttribute('aria-rowcount'), poll).toBe(String(total + 1));
    expect(await bodyRows(elements).count()).toBeLessThan(60);

    await bodyRows(elements).first().focus();
    await page.keyboard.press('End');
    const last = elements.locator(`[role="row"][aria-rowindex="${total + 1}"]`);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-rowindex'))).toBe(String(total + 1));
    expect(await bodyRows(elements).count()).toBeLessThan(60);

    const encoder = gridRow(elements, 'Encoder 0990');
    await encoder.waitFor();
    const id = await encoder.getAttribute('data-key');
    await stack.api('POST', `/api/elements/${id}/state`, { state: 'stopped' });
    await expect.poll(() => cellText(elements, encoder, 'State'), poll).toBe('Stopped');
    expect(await last.count()).toBe(1);
    await page.close();
  });
});

/** Name of the first drawn row whose column shows this text. */
async function firstRowWhere(table: import('playwright-core').Locator, header: string, text: string): Promise<string> {
  const rows = bodyRows(table);
  for (let index = 0; index < (await rows.count()); index++) {
    const row = rows.nth(index);
    if ((await cellText(table, row, header)) === text) return cellText(table, row, 'Name');
  }
  throw new Error(`no row with ${header} = ${text}`);
}
