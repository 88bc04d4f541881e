/**
 * Random credentials (API tokens, session ids) and the one-way hash they are stored under.
 * 32 random bytes make guessing hopeless, so a fast hash (SHA-256) is enough: there is no
 * password to brute-force behind it.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Every API token starts with this, so a leaked one is easy to recognise and scan for. */
export const API_TOKEN_PREFIX = 'tly_';

/** 32 random bytes, base64url, after `prefix`. */
export function randomToken(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** A new API token, shown to its owner once. */
export function generateApiToken(): string {
  return randomToken(API_TOKEN_PREFIX);
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
