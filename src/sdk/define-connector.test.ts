import { describe, expect, it } from 'vitest';
import { actionTables, defineConnector } from './define-connector.js';
import type { ActionDef, ConnectorDefinition, ParamDef } from './types.js';

const table = (id: string) => ({ id, name: id, displayColumn: 'name', columns: [{ id: 'name', name: 'Name', type: 'string' as const }] });
const run = async () => 'done';

function connector(actions: ActionDef[]): ConnectorDefinition {
  return {
    id: 'acme', name: 'Acme', vendor: 'Acme', version: '1.0.0.0', connection: { scheme: 'http', port: 80 },
    params: [], tables: [table('a'), table('b')], pages: [], polls: [], actions,
  };
}

describe('actions offered by several tables', () => {
  it('lists the table and the further tables of an action, none for a button', () => {
    expect(actionTables({ id: 'x', label: 'X', table: 'a', moreTables: ['b'], selection: 'single', run })).toEqual(['a', 'b']);
    expect(actionTables({ id: 'y', label: 'Y', selection: 'none', run })).toEqual([]);
  });

  it('refuses further tables that do not exist, or without a table', () => {
    expect(() => defineConnector(connector([{ id: 'x', label: 'X', table: 'a', moreTables: ['c'], selection: 'single', run }]))).toThrow(/action x: no table c/);
    expect(() => defineConnector(connector([{ id: 'x', label: 'X', moreTables: ['b'], selection: 'none', run }]))).toThrow(/moreTables needs a table/);
    expect(defineConnector(connector([{ id: 'x', label: 'X', table: 'a', moreTables: ['b'], selection: 'multiple', run }])).actions).toHaveLength(1);
  });
});

describe('volatile values', () => {
  const params = (volatile: Partial<ParamDef>): ConnectorDefinition => ({
    ...connector([]),
    params: [{ id: 'bitrate', name: 'Bitrate', type: 'number', volatile: true, ...volatile }],
  });

  it('refuses a volatile parameter an operator sets', () => {
    for (const settable of [{ config: true }, { secret: true }, { writable: true }]) {
      expect(() => defineConnector(params(settable))).toThrow(/parameter bitrate cannot be volatile/);
    }
  });

  it('accepts volatile polled parameters and columns', () => {
    const definition = params({});
    definition.tables = [{ ...table('a'), columns: [...table('a').columns, { id: 'rtt', name: 'RTT', type: 'number', volatile: true }] }];
    expect(defineConnector(definition).params[0].volatile).toBe(true);
  });
});
