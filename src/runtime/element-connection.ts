/**
 * An element's connection settings: the connector's defaults, what the operator gave
 * (checked field by field), and the base URL they make.
 */
import type { ConnectorDefinition } from '../sdk/index.js';
import type { ElementConnection } from '../store/types.js';
import { TallyError } from '../errors.js';

export const DEFAULT_REQUEST_TIMEOUT = 5_000;
export const DEFAULT_ELEMENT_TIMEOUT = 30_000;
export const DEFAULT_RETRIES = 2;

const FIELDS = new Set<keyof ElementConnection>([
  'host',
  'port',
  'tls',
  'skipTlsVerify',
  'deviceAddress',
  'requestTimeout',
  'elementTimeout',
  'retries',
]);

/** The connector's defaults for a new element (host still empty). */
export function defaultConnection(definition: ConnectorDefinition): ElementConnection {
  const defaults = definition.connection;
  return {
    host: '',
    port: defaults.port,
    tls: defaults.scheme === 'https',
    skipTlsVerify: false,
    deviceAddress: defaults.deviceAddress ?? '',
    requestTimeout: defaults.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT,
    elementTimeout: defaults.elementTimeout ?? DEFAULT_ELEMENT_TIMEOUT,
    retries: defaults.retries ?? DEFAULT_RETRIES,
  };
}

/**
 * `base` with the given fields applied and checked; `host` may be a URL whose scheme sets
 * `tls` and whose port, when present, sets `port`. Throws a 400 naming `connection.<field>`.
 */
export function mergeConnection(base: ElementConnection, input: Record<string, unknown>): ElementConnection {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TallyError('VALIDATION', 'connection must be an object', 'connection');
  }
  for (const name of Object.keys(input)) {
    if (!FIELDS.has(name as keyof ElementConnection)) {
      throw new TallyError('VALIDATION', `unknown connection setting "${name}"`, `connection.${name}`);
    }
  }
  const merged: ElementConnection = { ...base };
  if (input.tls !== undefined) merged.tls = booleanField(input, 'tls');
  if (input.skipTlsVerify !== undefined) merged.skipTlsVerify = booleanField(input, 'skipTlsVerify');
  if (input.port !== undefined) merged.port = integerField(input, 'port', 1, 65_535);
  if (input.host !== undefined) applyHost(merged, input);
  if (input.deviceAddress !== undefined) {
    if (typeof input.deviceAddress !== 'string' || input.deviceAddress.length > 200) {
      throw new TallyError('VALIDATION', 'device address must be a string of at most 200 characters', 'connection.deviceAddress');
    }
    merged.deviceAddress = input.deviceAddress;
  }
  if (input.requestTimeout !== undefined) merged.requestTimeout = integerField(input, 'requestTimeout', 100, 600_000);
  if (input.elementTimeout !== undefined) merged.elementTimeout = integerField(input, 'elementTimeout', 1_000, 86_400_000);
  if (input.retries !== undefined) merged.retries = integerField(input, 'retries', 0, 10);
  if (!merged.host) throw new TallyError('VALIDATION', 'host is required', 'connection.host');
  return merged;
}

function applyHost(merged: ElementConnection, input: Record<string, unknown>): void {
  const raw = input.host;
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw new TallyError('VALIDATION', 'host must be a host name, an IP address or a URL', 'connection.host');
  }
  const host = raw.trim();
  if (!host.includes('://')) {
    if (/[\s/?#@]/.test(host)) throw new TallyError('VALIDATION', `"${host}" is not a host name or IP address`, 'connection.host');
    merged.host = host;
    return;
  }
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new TallyError('VALIDATION', `"${host}" is not a valid URL`, 'connection.host');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TallyError('VALIDATION', 'a host URL must start with http:// or https://', 'connection.host');
  }
  const tls = url.protocol === 'https:';
  if (input.tls !== undefined && input.tls !== tls) {
    throw new TallyError('VALIDATION', `tls ${String(input.tls)} contradicts the ${url.protocol}// host URL`, 'connection.tls');
  }
  merged.tls = tls;
  merged.host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.port && input.port === undefined) merged.port = Number(url.port);
}

function booleanField(input: Record<string, unknown>, name: keyof ElementConnection): boolean {
  const value = input[name];
  if (typeof value !== 'boolean') throw new TallyError('VALIDATION', `${name} must be true or false`, `connection.${name}`);
  return value;
}

function integerField(input: Record<string, unknown>, name: keyof ElementConnection, min: number, max: number): number {
  const value = input[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TallyError('VALIDATION', `${name} must be a whole number from ${min} to ${max}`, `connection.${name}`);
  }
  return value;
}

/** e.g. https://10.0.0.5:8893 (IPv6 hosts in brackets). */
export function baseUrlOf(connection: ElementConnection): string {
  const host = connection.host.includes(':') ? `[${connection.host}]` : connection.host;
  return `${connection.tls ? 'https' : 'http'}://${host}:${connection.port}`;
}
