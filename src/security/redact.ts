/**
 * Redaction of secret values before inputs reach the audit trail, logs or events.
 */

/** What a redacted value is replaced with. */
export const REDACTED = '[redacted]';

/** Keys that hold a credential whatever the connector calls its secret parameters. */
const CREDENTIAL_KEY = /(password|passphrase|passwd|secret|token|api[-_]?key|credentials?)$/i;

/**
 * A copy of `inputs` with the values of `secretIds` (and of keys that name a credential,
 * e.g. `password`, `apiKey`, `token`) replaced by {@link REDACTED}, at any depth.
 * @example redactSecrets({ apiKey: 'k', name: 'x' }, ['apiKey']) // { apiKey: '[redacted]', name: 'x' }
 */
export function redactSecrets(inputs: Record<string, unknown>, secretIds: Iterable<string> = []): Record<string, unknown> {
  return redactObject(inputs, new Set(secretIds));
}

function redactObject(object: Record<string, unknown>, secretIds: ReadonlySet<string>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    copy[key] = secretIds.has(key) || CREDENTIAL_KEY.test(key) ? REDACTED : redactValue(value, secretIds);
  }
  return copy;
}

function redactValue(value: unknown, secretIds: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secretIds));
  if (value !== null && typeof value === 'object') return redactObject(value as Record<string, unknown>, secretIds);
  return value;
}
