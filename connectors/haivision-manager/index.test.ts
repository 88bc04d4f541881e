import { describe, expect, it } from 'vitest';
import { actionTables } from '../../src/sdk/index.js';
import connector from './index.js';

describe('the Haivision Manager definition', () => {
  it('uses the identifiers of the API contract', () => {
    expect(connector).toMatchObject({ id: 'haivision-manager', vendor: 'Haivision', version: '4.1.0.1', connection: { scheme: 'http', port: 8893 } });
    expect(connector.params.map((param) => param.id)).toEqual(expect.arrayContaining([
      'apiKey', 'identifier', 'hardwareIdentifier', 'firmwareVersion', 'inputCount', 'sdiOutputCount', 'healthStatus', 'httpRequestStatus',
    ]));
    expect(connector.params.find((param) => param.id === 'apiKey')).toMatchObject({ secret: true, writable: true, config: true, required: true });
    expect(connector.tables.map((table) => table.id)).toEqual(expect.arrayContaining(['inputs', 'sdiOutputs', 'ndiOutputs', 'ipOutputs']));
    for (const id of ['sdiOutputs', 'ndiOutputs', 'ipOutputs']) {
      const table = connector.tables.find((candidate) => candidate.id === id)!;
      expect(table.displayColumn).toBe('name');
      expect(table.columns.map((column) => column.id)).toEqual(expect.arrayContaining(['name', 'status', 'enable', 'source', 'message', 'sourceInput']));
    }
  });

  it('offers Play Stream and Stop Stream on all three output tables', () => {
    const play = connector.actions.find((action) => action.id === 'playStream')!;
    const stop = connector.actions.find((action) => action.id === 'stopStream')!;
    expect(actionTables(play)).toEqual(['sdiOutputs', 'ndiOutputs', 'ipOutputs']);
    expect(actionTables(stop)).toEqual(['sdiOutputs', 'ndiOutputs', 'ipOutputs']);
    expect(play).toMatchObject({ label: 'Play Stream', selection: 'single' });
    expect(play.inputs?.[0]).toMatchObject({ id: 'source', choices: { table: 'inputs', where: { connected: true } }, defaultFromColumn: 'sourceInput' });
    expect(stop).toMatchObject({ label: 'Stop Stream', selection: 'multiple', destructive: true, confirm: expect.any(String) });
  });

  it('lays out General, Field Units, Outputs, Configuration and Web Interface in that order', () => {
    expect(connector.pages.map((page) => page.name)).toEqual(['General', 'Field Units', 'Outputs', 'Configuration', 'Web Interface']);
    expect(connector.pages.at(-1)?.webInterface).toBe(true);
  });

  it('starts its simulator from the definition', async () => {
    const module = await connector.simulator!();
    const sim = await module.start({ port: 0, seed: 1, apiKey: 'k' });
    try {
      expect(sim.elementTemplate.params).toEqual({ apiKey: 'k' });
      expect(sim.url).toBe(`http://127.0.0.1:${sim.port}`);
    } finally {
      await sim.close();
    }
  });
});
