/**
 * Password hashing with scrypt. Each hash carries its own random salt and the cost
 * parameters it was made with (`scrypt$N$r$p$salt$hash`), so the cost can be raised later
 * without invalidating stored hashes.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { TallyError } from '../errors.js';

export const MIN_PASSWORD_LENGTH = 10;
/** Bounds the work an attacker can make the server do with one sign-in attempt. */
export const MAX_PASSWORD_LENGTH = 1024;

const COST = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 64;
const SALT_BYTES = 16;

/** Throws a VALIDATION error naming the field `password` when it is too short or too long. */
export function assertAcceptablePassword(password: string): void {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH) {
    throw new TallyError('VALIDATION', `the password must be at least ${MIN_PASSWORD_LENGTH} characters long`, 'password');
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new TallyError('VALIDATION', `the password must be at most ${MAX_PASSWORD_LENGTH} characters long`, 'password');
  }
}

/** Checks the password's length, then hashes it under a fresh random salt. */
export async function hashPassword(password: string): Promise<string> {
  assertAcceptablePassword(password);
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** True when `password` matches `encoded`; compares in constant time. A malformed hash never matches. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parseHash(encoded);
  if (!parsed || password.length > MAX_PASSWORD_LENGTH) {
    // Spend the same time as a real check so the answer does not reveal why it failed.
    await derive(password.slice(0, MAX_PASSWORD_LENGTH), randomBytes(SALT_BYTES), COST);
    return false;
  }
  const actual = await derive(password, parsed.salt, parsed.cost);
  return actual.length === parsed.hash.length && timingSafeEqual(actual, parsed.hash);
}

interface Cost {
  N: number;
  r: number;
  p: number;
}

function parseHash(encoded: string): { cost: Cost; salt: Buffer; hash: Buffer } | null {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return null;
  return { cost: { N, r, p }, salt: Buffer.from(parts[4], 'base64'), hash: Buffer.from(parts[5], 'base64') };
}

function derive(password: string, salt: Buffer, cost: Cost): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
