/** The built web UI is served at / to anyone, with index.html for the UI's own routes, never under /api. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTally, type TestTally } from './api-support.js';

describe('the web UI', () => {
  let t: TestTally;
  let webDist: string;
  const html = { accept: 'text/html,application/xhtml+xml' };

  beforeAll(async () => {
    webDist = mkdtempSync(join(tmpdir(), 'tally-web-'));
    mkdirSync(join(webDist, 'assets'));
    writeFileSync(join(webDist, 'index.html'), '<!doctype html><title>Tally UI</title>');
    writeFileSync(join(webDist, 'assets', 'app.js'), 'console.log("tally")');
    t = await startTestTally({ server: { webDist } });
  });
  afterAll(async () => {
    await t.close();
    rmSync(webDist, { recursive: true, force: true });
  });

  it('serves index.html and assets without credentials, with the security headers', async () => {
    const index = await t.tally.server.inject({ method: 'GET', url: '/', headers: html });
    expect(index.statusCode).toBe(200);
    expect(index.body).toContain('Tally UI');
    expect(index.headers['content-security-policy']).toContain("default-src 'self'");
    expect(index.headers['x-frame-options']).toBe('DENY');
    const asset = await t.tally.server.inject({ method: 'GET', url: '/assets/app.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toContain('javascript');
  });

  it("answers the UI's own routes with index.html", async () => {
    const page = await t.tally.server.inject({ method: 'GET', url: '/elements/abc', headers: html });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Tally UI');
  });

  it('keeps /api answers JSON and protected', async () => {
    const unknown = await t.tally.server.inject({ method: 'GET', url: '/api/nothing', headers: html });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('NOT_FOUND');
    expect((await t.tally.server.inject({ method: 'GET', url: '/api/elements', headers: html })).statusCode).toBe(401);
    const missingAsset = await t.tally.server.inject({ method: 'GET', url: '/assets/nope.js' });
    expect(missingAsset.statusCode).toBe(404);
  });
});
