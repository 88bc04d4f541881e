import { describe, expect, it } from 'vitest';
import { TallyError } from '../errors.js';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './password.js';

describe('password hashing', () => {
  it('salts every hash: the same password hashes differently and both verify', async () => {
    const [first, second] = await Promise.all([hashPassword('correct horse'), hashPassword('correct horse')]);
    expect(first).not.toBe(second);
    expect(first).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(first).not.toContain('correct horse');
    expect(await verifyPassword('correct horse', first)).toBe(true);
    expect(await verifyPassword('correct horse', second)).toBe(true);
  });

  it('rejects a wrong password and a malformed hash', async () => {
    const hash = await hashPassword('correct horse');
    expect(await verifyPassword('correct horsE', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
    expect(await verifyPassword('correct horse', 'not-a-hash')).toBe(false);
    expect(await verifyPassword('correct horse', hash.replace(/\$[^$]+$/, '$AAAA'))).toBe(false);
  });

  it(`refuses passwords shorter than ${MIN_PASSWORD_LENGTH} characters, naming the field`, async () => {
    const refusal = await hashPassword('x'.repeat(MIN_PASSWORD_LENGTH - 1)).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(TallyError);
    expect(refusal).toMatchObject({ code: 'VALIDATION', field: 'password', status: 400 });
    await expect(hashPassword('x'.repeat(MIN_PASSWORD_LENGTH))).resolves.toMatch(/^scrypt\$/);
  });
});
