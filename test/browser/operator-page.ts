/** Steps an operator takes in the UI, shared by the browser tests and the screenshot script. */
import type { Locator, Page } from 'playwright-core';

/** Signs in with an API token and waits for the element browser. */
export async function signInWithToken(page: Page, baseUrl: string, token: string): Promise<void> {
  await page.goto(baseUrl + '/');
  await page.locator('label', { hasText: 'API token' }).click();
  await page.locator('input[name=token]').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Elements' }).waitFor();
}

/** Opens an element card on one of its pages. */
export async function openCard(page: Page, baseUrl: string, elementId: string, pageId?: string): Promise<void> {
  await page.goto(`${baseUrl}/#/elements/${encodeURIComponent(elementId)}${pageId ? '/' + pageId : ''}`);
  await page.locator('#card-title').waitFor();
}

export function grid(page: Page, name: string): Locator {
  return page.getByRole('grid', { name, exact: true });
}

/** The grid row whose cells include this exact text (e.g. the row's name). */
export function gridRow(table: Locator, text: string): Locator {
  return table.getByRole('row').filter({ has: table.page().getByRole('gridcell', { name: text, exact: true }) });
}

/** The text of one cell, found by its column header as shown. */
export async function cellText(table: Locator, row: Locator, header: string): Promise<string> {
  const headers = (await table.getByRole('columnheader').allTextContents()).map((text) => text.replace(/[▲▼]/g, '').trim().toLowerCase());
  const index = headers.indexOf(header.toLowerCase());
  if (index === -1) throw new Error(`no column "${header}" among ${headers.join(', ')}`);
  return ((await row.getByRole('gridcell').nth(index).textContent()) ?? '').trim();
}

/** Body rows currently drawn (the grid is virtualized: only rows in view exist). */
export function bodyRows(table: Locator): Locator {
  return table.locator('[role="row"][data-key]');
}

export function paramRow(page: Page, paramId: string): Locator {
  return page.locator(`[data-param="${paramId}"]`);
}

/** The text of the newest notice, the way an operator reads the message after an action. */
export function notices(page: Page): Locator {
  return page.locator('.notice');
}
