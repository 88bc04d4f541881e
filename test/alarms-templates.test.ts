import { describe, expect, it } from 'vitest';
import haivision from '../connectors/haivision-manager/index.js';
import amagi from '../connectors/amagi-cloudport/index.js';
import { ALARM_TEMPLATE as HAIVISION_TEMPLATE } from '../connectors/haivision-manager/alarm-template.js';
import { ALARM_TEMPLATE as AMAGI_TEMPLATE } from '../connectors/amagi-cloudport/alarm-template.js';
import { AlarmEngine } from '../src/alarms/alarm-engine.js';
import { validateAlarmTemplate } from '../src/alarms/template-validation.js';
import { openSqlite } from '../src/store/sqlite-database.js';
import { compileWildcard } from '../src/alarms/wildcard.js';
import type { ConnectorDefinition } from '../src/sdk/index.js';
import { FakeRuntime, elementView } from './alarms-fixtures.js';

/** An engine watching one element of `connector` with `template` as its default. */
function watch(connector: ConnectorDefinition, template = connector.alarmTemplate) {
  const withTemplate = { ...connector, alarmTemplate: template };
  const runtime = new FakeRuntime();
  const engine = new AlarmEngine({ db: openSqlite(':memory:'), bus: runtime.bus, connectors: (id) => (id === connector.id ? withTemplate : undefined) });
  engine.start();
  runtime.bus.publish({ type: 'element', element: { ...elementView('e1'), connector: connector.id } });
  const rows = (tableId: string, rows: { key: string; displayKey: string; cells: Record<string, unknown> }[], removed: string[] = []) =>
    runtime.bus.publish({
      type: 'rows',
      elementId: 'e1',
      tableId,
      rows: rows.map((row) => ({ ...row, cells: row.cells as never, stale: false, updatedAt: Date.now() })),
      removed,
    });
  return { runtime, engine, rows, severities: async () => (await engine.list()).map((a) => [a.paramId, a.rowKey, a.severity]) };
}

describe('default alarm templates of the seed connectors', () => {
  it('are what the connectors ship', () => {
    expect(haivision.alarmTemplate).toEqual(HAIVISION_TEMPLATE);
    expect(amagi.alarmTemplate).toEqual(AMAGI_TEMPLATE);
  });

  it('name real parameters, columns and values of their connectors', () => {
    expect(validateAlarmTemplate(HAIVISION_TEMPLATE, haivision)).toEqual(HAIVISION_TEMPLATE);
    expect(validateAlarmTemplate(AMAGI_TEMPLATE, amagi)).toEqual(AMAGI_TEMPLATE);
    const values = (connector: ConnectorDefinition, tableId: string | null, id: string) =>
      (tableId ? connector.tables.find((t) => t.id === tableId)!.columns : connector.params).find((c) => c.id === id)!.discretes!.map((d) => d.value);
    for (const { template, connector } of [{ template: HAIVISION_TEMPLATE, connector: haivision }, { template: AMAGI_TEMPLATE, connector: amagi }]) {
      for (const rule of template.rules) {
        if (rule.kind !== 'discrete') continue;
        const known = 'param' in rule.target ? values(connector, null, rule.target.param) : values(connector, rule.target.table, rule.target.column);
        for (const { value } of rule.values) expect(known, `${connector.id} ${rule.id}`).toContain(value);
      }
    }
  });

  it('Haivision: outputs in error are major, in warning minor; inputs in error minor; device health', async () => {
    const { rows, runtime, severities } = watch(haivision, HAIVISION_TEMPLATE);
    rows('sdiOutputs', [{ key: 'sdi_1', displayKey: 'SDI 1', cells: { name: 'SDI 1', status: 3 } }]);
    rows('ipOutputs', [{ key: 'ip_1', displayKey: 'SRT out', cells: { name: 'SRT out', status: 4 } }]);
    rows('ndiOutputs', [{ key: 'ndi_1', displayKey: 'NDI 1', cells: { name: 'NDI 1', status: 2 } }]);
    rows('inputs', [{ key: '1', displayKey: 'PRO460-Paris', cells: { name: 'PRO460-Paris', channelStatus: 3 } }]);
    runtime.params('e1', { healthStatus: 'error' });
    expect((await severities()).map(String).sort()).toEqual(
      [
        ['healthStatus', null, 'major'],
        ['sdiOutputs.status', 'sdi_1', 'major'],
        ['ipOutputs.status', 'ip_1', 'minor'],
        ['inputs.channelStatus', '1', 'minor'],
      ]
        .map(String)
        .sort(),
    );
  });

  it('CLOUDPORT: health, services off air or offline, failed switchover, active critical incidents', async () => {
    const { rows, runtime, severities, engine } = watch(amagi, AMAGI_TEMPLATE);
    runtime.params('e1', { healthStatus: 'degraded', switchoverStatus: 'failed' });
    rows('cloudportServices', [
      { key: 'news_001', displayKey: 'News Main', cells: { name: 'News Main', onAir: true, playoutStatus: 'off', agentHealth: 1 } },
      { key: 'news_002', displayKey: 'News Backup', cells: { name: 'News Backup', onAir: false, playoutStatus: 'media', agentHealth: 0 } },
      { key: 'sports_002', displayKey: 'Sports Backup', cells: { name: 'Sports Backup', onAir: false, playoutStatus: 'media', agentHealth: 1 } },
    ]);
    rows('incidentHistoryLogs', [
      { key: 'inc_1', displayKey: 'inc_1', cells: { incident: 'inc_1', severity: 'critical', state: 'active' } },
      { key: 'inc_2', displayKey: 'inc_2', cells: { incident: 'inc_2', severity: 'critical', state: 'resolved' } },
    ]);
    expect(await severities()).toEqual([
      ['incidentHistoryLogs.severity', 'inc_1', 'critical'],
      expect.arrayContaining(['major']),
      expect.arrayContaining(['major']),
      expect.arrayContaining(['major']),
      ['healthStatus', null, 'minor'],
    ]);
    expect(new Set((await engine.list()).filter((a) => a.severity === 'major').map((a) => `${a.paramId}/${a.rowKey ?? ''}`))).toEqual(
      new Set(['switchoverStatus/', 'cloudportServices.playoutStatus/news_001', 'cloudportServices.agentHealth/news_002']),
    );
    runtime.params('e1', { healthStatus: 'unhealthy' });
    expect((await engine.list()).find((a) => a.paramId === 'healthStatus')?.severity).toBe('critical');
    // The incident is resolved: its row no longer matches `where`.
    rows('incidentHistoryLogs', [{ key: 'inc_1', displayKey: 'inc_1', cells: { incident: 'inc_1', severity: 'critical', state: 'resolved' } }]);
    expect((await engine.list()).some((a) => a.rowKey === 'inc_1')).toBe(false);
  });
});

describe('wildcards', () => {
  it('match the whole text, * any run, ? one character, case-insensitively, everything else literally', () => {
    expect(compileWildcard('SDI *').test('sdi 12')).toBe(true);
    expect(compileWildcard('SDI ?').test('SDI 12')).toBe(false);
    expect(compileWildcard('SDI ?').test('SDI 1')).toBe(true);
    expect(compileWildcard('a.b(c)').test('a.b(c)')).toBe(true);
    expect(compileWildcard('a.b(c)').test('axb(c)')).toBe(false);
    expect(compileWildcard('*LOST*').test('Connection lost\nagain')).toBe(true);
  });
});
