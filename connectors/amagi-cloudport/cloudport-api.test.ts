import { describe, expect, it } from 'vitest';
import { DeviceProtocolError } from '../../src/sdk/index.js';
import {
  errorMessage,
  parseFix,
  parseIncidents,
  parseServices,
  parseSignIn,
  parseSummary,
  parseSwitchoverStart,
  parseSwitchoverState,
  parseVersion,
  switchoverBody,
} from './cloudport-api.js';
import { body, fixture } from './test-support/fixtures.js';

describe('CLOUDPORT answers (recorded fixtures)', () => {
  it('reads the token of a sign-in and the reason of a rejected one', () => {
    expect(parseSignIn(body('sign-in'))).toMatch(/^[0-9a-f]{20}$/);
    expect(errorMessage(JSON.stringify(body('sign-in-rejected')))).toBe('Invalid Email or password.');
    expect(errorMessage('<html>oops</html>')).toBeUndefined();
  });

  it('reads the customer name, versions and health', () => {
    expect(parseVersion(body('version'))).toMatchObject({ customer: 'acme', automationVersion: 'v5.14.2', liveVersion: 'v3.9.0' });
    expect(parseVersion(body('version')).playoutVersions).toContain('acme_news_001 v8.20.38-1');
    expect(parseSummary(body('summary'))).toEqual({ customer: 'acme', healthStatus: 'degraded', servicesTotal: 8, servicesUnhealthy: 5 });
  });

  it('maps an unknown health status to unknown rather than showing garbage', () => {
    expect(parseSummary({ health_status: 'splendid' }).healthStatus).toBe('unknown');
  });

  it('turns services into rows keyed by service id with readable names', () => {
    const rows = parseServices(body('services'));
    expect(rows).toHaveLength(8);
    expect(rows[0]).toEqual({
      key: 'acme_news_001',
      cells: expect.objectContaining({ name: 'Acme News Main', feed: 'acme_news', headend: 'acme_news_001', region: 'aws-use1', role: 'primary', onAir: true, agentHealth: 1 }),
    });
    expect(typeof rows[0].cells.updatedAt).toBe('number');
    const after = parseServices(body('services-after-switchover'));
    expect(after.find((r) => r.key === 'acme_news_002')?.cells).toMatchObject({ role: 'primary', onAir: true });
    expect(after.find((r) => r.key === 'acme_news_001')?.cells).toMatchObject({ role: 'backup', onAir: false });
  });

  it('reads every switchover phase', () => {
    expect(parseSwitchoverStart(body('switchover-started'))).toEqual({ id: 'sw_90', status: 'initiated', from: 'acme_news_001', to: 'acme_news_002' });
    expect(parseSwitchoverState(body('switchover-idle'))).toMatchObject({ status: 'idle', activeHeadend: 'acme_news_001', startedAt: null });
    expect(parseSwitchoverState(body('switchover-in-progress'))).toMatchObject({ status: 'in_progress', activeHeadend: 'acme_news_001', completedAt: null, message: 'stopping main player' });
    const completed = parseSwitchoverState(body('switchover-completed'));
    expect(completed).toMatchObject({ status: 'completed', activeHeadend: 'acme_news_002' });
    expect(completed.completedAt! - completed.startedAt!).toBe(6000);
    expect(parseSwitchoverState(body('switchover-failed'))).toMatchObject({ status: 'failed', activeHeadend: 'acme_sports_001' });
  });

  it('reads an accepted fix', () => {
    expect(parseFix(body('fix'))).toEqual({ id: 'fx_92', actions: ['restart_player', 'resync_assets'] });
  });

  it('turns incidents into rows, newest first', () => {
    const { total, rows } = parseIncidents(body('incidents'));
    expect(total).toBeGreaterThan(rows.length);
    expect(rows).toHaveLength(5);
    expect(rows[0].cells).toMatchObject({ incident: rows[0].key, severity: expect.any(String), feed: expect.stringMatching(/^acme_/) });
    expect(rows[0].cells.time as number).toBeGreaterThanOrEqual(rows[4].cells.time as number);
  });

  it('refuses shapes the contract does not allow', () => {
    expect(() => parseServices({ items: [] })).toThrow(DeviceProtocolError);
    expect(() => parseSignIn({ id: 12 })).toThrow(/authentication_token/);
    expect(() => parseSwitchoverState({ status: 'exploded' })).toThrow(/unknown switchover status/);
    expect(() => parseIncidents([])).toThrow(DeviceProtocolError);
  });

  it('asks for the standby by role unless a headend is named', () => {
    expect(switchoverBody(undefined)).toEqual(fixture('switchover-started').request.body);
    expect(switchoverBody('acme_news_002')).toEqual({ target_headend: 'acme_news_002', reason: 'manual' });
  });
});
