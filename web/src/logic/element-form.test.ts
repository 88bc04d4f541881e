import { describe, expect, it } from 'vitest';
import type { ConnectorInfo } from '../api/types.js';
import { buildCreateBody, elementFormFields, fieldForError } from './element-form.js';

describe('new element form', () => {
  const connector = {
    id: 'haivision-manager',
    name: 'Haivision',
    vendor: 'Haivision',
    version: '1.0.0.1',
    connection: { scheme: 'http', port: 8893, deviceAddress: 'ByPassProxy', requestTimeout: 5000 },
    params: [
      { id: 'apiKey', name: 'API key', type: 'string', secret: true, writable: true, config: true, required: true },
      { id: 'mode', name: 'Mode', type: 'discrete', config: true, discretes: [{ value: 1, label: 'Fast' }, { value: 2, label: 'Slow' }], default: 1 },
      { id: 'firmwareVersion', name: 'Firmware', type: 'string' },
    ],
    tables: [],
    pages: [],
    actions: [],
  } as unknown as ConnectorInfo;
  const fields = elementFormFields(connector);

  it('offers the connection with the connector defaults and only the configuration parameters', () => {
    const byKey = Object.fromEntries(fields.map((f) => [f.key, f]));
    expect(byKey['connection.port'].initial).toBe('8893');
    expect(byKey['connection.tls'].initial).toBe('false');
    expect(byKey['connection.deviceAddress'].initial).toBe('ByPassProxy');
    expect(byKey['params.apiKey']).toMatchObject({ kind: 'password', required: true, initial: '' });
    expect(byKey['params.mode']).toMatchObject({ kind: 'select', initial: '1' });
    expect(byKey['params.firmwareVersion']).toBeUndefined();
  });
  it('builds the API body, leaving empty optional fields to the defaults', () => {
    const body = buildCreateBody(connector, fields, {
      name: ' Paris ',
      'connection.host': '10.0.0.5',
      'connection.requestTimeout': '',
      'params.apiKey': 'k3y',
      'params.mode': '2',
    });
    expect(body).toEqual({
      name: 'Paris',
      connector: 'haivision-manager',
      connection: { host: '10.0.0.5', port: 8893, tls: false, skipTlsVerify: false, deviceAddress: 'ByPassProxy' },
      params: { apiKey: 'k3y', mode: 2 },
    });
  });
  it('finds the field an API error names, whatever its spelling', () => {
    expect(fieldForError(fields, 'host')).toBe('connection.host');
    expect(fieldForError(fields, 'connection.port')).toBe('connection.port');
    expect(fieldForError(fields, '/params/apiKey')).toBe('params.apiKey');
    expect(fieldForError(fields, 'body.name')).toBe('name');
    expect(fieldForError(fields, 'nothing')).toBeNull();
    expect(fieldForError(fields, undefined)).toBeNull();
  });
});
