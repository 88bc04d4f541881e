/**
 * The "new element" form as data: its fields come from the connector's connection
 * defaults and its configuration parameters, and its answer becomes the API's body.
 */
import type { CreateElementBody } from '../api/api-client.js';
import type { ConnectorInfo, Discrete, Value } from '../api/types.js';

export type FieldKind = 'text' | 'number' | 'boolean' | 'password' | 'select';

export interface FormField {
  /** Path in the request body: `name`, `connection.port`, `params.apiKey`. */
  key: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  /** Initial text of the input ('true'/'false' for booleans). */
  initial: string;
  help?: string;
  options?: Discrete[];
  group: 'identity' | 'connection' | 'advanced' | 'configuration';
}

export function elementFormFields(connector: ConnectorInfo): FormField[] {
  const c = connector.connection;
  const fields: FormField[] = [
    { key: 'name', label: 'Element name', kind: 'text', required: true, initial: '', group: 'identity' },
    {
      key: 'connection.host',
      label: 'Host or IP address',
      kind: 'text',
      required: true,
      initial: '',
      help: 'A URL such as https://10.0.0.5 also sets the scheme.',
      group: 'connection',
    },
    { key: 'connection.port', label: 'Port', kind: 'number', required: false, initial: String(c.port), group: 'connection' },
    {
      key: 'connection.deviceAddress',
      label: 'Device address',
      kind: 'text',
      required: false,
      initial: c.deviceAddress ?? '',
      help: 'ByPassProxy talks to the device directly; anything else uses the system proxy.',
      group: 'connection',
    },
    { key: 'connection.tls', label: 'Use TLS (HTTPS)', kind: 'boolean', required: false, initial: String(c.scheme === 'https'), group: 'connection' },
    { key: 'connection.skipTlsVerify', label: 'Skip TLS certificate check', kind: 'boolean', required: false, initial: 'false', help: 'Only for devices with self-signed certificates.', group: 'connection' },
    optionalNumber('connection.requestTimeout', 'Request timeout (ms)', c.requestTimeout),
    optionalNumber('connection.elementTimeout', 'Element timeout (ms)', c.elementTimeout),
    optionalNumber('connection.retries', 'Retries', c.retries),
  ];
  for (const param of connector.params) {
    if (!param.config) continue;
    const kind: FieldKind = param.secret
      ? 'password'
      : param.type === 'discrete'
        ? 'select'
        : param.type === 'boolean'
          ? 'boolean'
          : param.type === 'number'
            ? 'number'
            : 'text';
    fields.push({
      key: `params.${param.id}`,
      label: param.unit ? `${param.name} (${param.unit})` : param.name,
      kind,
      required: param.required === true,
      initial: param.secret || param.default === null || param.default === undefined ? '' : String(param.default),
      ...(param.description ? { help: param.description } : {}),
      ...(param.discretes ? { options: param.discretes } : {}),
      group: 'configuration',
    });
  }
  return fields;
}

function optionalNumber(key: string, label: string, initial: number | undefined): FormField {
  return { key, label, kind: 'number', required: false, initial: initial === undefined ? '' : String(initial), group: 'advanced' };
}

/** Turns the form's texts into the create body; empty optional fields take the connector's defaults. */
export function buildCreateBody(connector: ConnectorInfo, fields: readonly FormField[], values: Record<string, string>): CreateElementBody {
  const body: CreateElementBody = { name: '', connector: connector.id, connection: {}, params: {} };
  for (const field of fields) {
    const text = (values[field.key] ?? field.initial).trim();
    const value = toValue(field, text, connector);
    if (value === undefined) continue;
    if (field.key === 'name') body.name = String(value);
    else if (field.key.startsWith('connection.')) body.connection[field.key.slice('connection.'.length)] = value;
    else body.params[field.key.slice('params.'.length)] = value;
  }
  return body;
}

function toValue(field: FormField, text: string, connector: ConnectorInfo): Value | undefined {
  if (field.kind === 'boolean') return text === 'true';
  if (text === '') return field.key === 'name' ? '' : undefined;
  if (field.kind === 'number') {
    const number = Number(text);
    return Number.isFinite(number) ? number : text;
  }
  if (field.kind === 'select') {
    const paramId = field.key.slice('params.'.length);
    const match = connector.params.find((p) => p.id === paramId)?.discretes?.find((d) => String(d.value) === text);
    return match ? match.value : text;
  }
  return text;
}

/**
 * Which form field an API error names. The server may say `host`, `connection.host`,
 * `params.apiKey`, `/connection/host` or `body.name`; all point at one field here.
 */
export function fieldForError(fields: readonly FormField[], errorField: string | undefined): string | null {
  if (!errorField) return null;
  const normalized = errorField.replace(/^\/+/, '').replace(/\//g, '.').replace(/^body\./, '');
  if (fields.some((f) => f.key === normalized)) return normalized;
  const last = normalized.split('.').pop();
  const matches = fields.filter((f) => f.key.split('.').pop() === last);
  return matches.length === 1 ? matches[0].key : null;
}
