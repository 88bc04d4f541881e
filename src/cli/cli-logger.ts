/**
 * The CLI's log: pino JSON lines on stdout, with every place a credential could appear
 * redacted, so a log file never holds a token, a cookie, a password or an API key.
 */
import pino, { type Logger } from 'pino';

const CREDENTIAL_KEYS = ['password', 'token', 'apiKey', 'secret', 'csrfToken', 'adminToken'];

export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  ...CREDENTIAL_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
];

export function createCliLogger(level = process.env.TALLY_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } });
}
