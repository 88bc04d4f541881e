import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SqliteStore } from '../store/sqlite-store.js';
import type { ElementRecord } from '../store/types.js';
import { rotateDataDirKey, rotateSecretKey, writeKeyFileAtomically } from './rotate-secret-key.js';
import { keyFilePath, SecretBox } from './secret-box.js';

function element(id: string, sealedSecrets: Record<string, string>): ElementRecord {
  return {
    id,
    name: id,
    connector: 'amagi-cloudport',
    connection: {
      host: 'h',
      port: 443,
      tls: true,
      skipTlsVerify: false,
      deviceAddress: '',
      requestTimeout: 1000,
      elementTimeout: 5000,
      retries: 0,
    },
    config: { username: 'ops' },
    sealedSecrets,
    pollIntervals: {},
    operatorState: 'active',
    createdAt: 1,
    updatedAt: 2,
  };
}

describe('secret key rotation', () => {
  let dir: string;
  let store: SqliteStore;
  const oldBox = SecretBox.fromKeyMaterial('the old key material, long enough');
  const newBox = SecretBox.fromKeyMaterial('the new key material, long enough');

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tally-rotate-'));
    store = SqliteStore.open(join(dir, 'tally.db'));
    await store.saveElement(element('a', { password: oldBox.seal('pw-a'), apiKey: oldBox.seal('key-a') }));
    await store.saveElement(element('b', { password: oldBox.seal('pw-b') }));
    await store.saveElement(element('c', {}));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const openAll = async (box: SecretBox) =>
    Object.fromEntries(
      (await store.listElements()).map((e) => [e.id, Object.fromEntries(Object.entries(e.sealedSecrets).map(([k, v]) => [k, box.open(v)]))]),
    );

  it('re-seals every secret under the new key; the old key no longer opens them', async () => {
    expect(await rotateSecretKey(store, oldBox, newBox)).toBe(3);
    expect(await openAll(newBox)).toEqual({ a: { password: 'pw-a', apiKey: 'key-a' }, b: { password: 'pw-b' }, c: {} });
    await expect(openAll(oldBox)).rejects.toThrow();
    const [a] = await store.listElements();
    expect(a).toMatchObject({ config: { username: 'ops' }, updatedAt: 2 });
  });

  it('changes nothing when the old key is wrong', async () => {
    const before = await store.listElements();
    const wrong = SecretBox.fromKeyMaterial('not the key that sealed these');
    await expect(rotateSecretKey(store, wrong, newBox)).rejects.toThrow(/does not open/);
    expect(await store.listElements()).toEqual(before);
  });

  it('finishes an interrupted rotation when run again', async () => {
    const saveElement = store.saveElement.bind(store);
    const spy = vi.spyOn(store, 'saveElement').mockImplementationOnce(saveElement).mockRejectedValueOnce(new Error('crash'));
    await expect(rotateSecretKey(store, oldBox, newBox)).rejects.toThrow('crash');
    spy.mockRestore();
    expect(await rotateSecretKey(store, oldBox, newBox)).toBe(1);
    expect(await openAll(newBox)).toEqual({ a: { password: 'pw-a', apiKey: 'key-a' }, b: { password: 'pw-b' }, c: {} });
  });

  it('writes a key file atomically with owner-only permissions', () => {
    const path = join(dir, 'some.key');
    writeKeyFileAtomically(path, 'first');
    writeKeyFileAtomically(path, 'second');
    expect(readFileSync(path, 'utf8')).toBe('second\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('rotates the key file of a data directory', async () => {
    const fileBox = SecretBox.forDataDir(dir, {});
    const oldMaterial = readFileSync(keyFilePath(dir), 'utf8');
    await store.saveElement(element('d', { token: fileBox.seal('tok-d') }));
    await store.deleteElement('a');
    await store.deleteElement('b');

    expect(await rotateDataDirKey(dir, (from, to) => rotateSecretKey(store, from, to), {})).toBe(1);
    expect(readFileSync(keyFilePath(dir), 'utf8')).not.toBe(oldMaterial);
    expect(statSync(keyFilePath(dir)).mode & 0o777).toBe(0o600);
    expect(existsSync(`${keyFilePath(dir)}.next`)).toBe(false);
    expect(await openAll(SecretBox.forDataDir(dir, {}))).toEqual({ c: {}, d: { token: 'tok-d' } });
    await expect(openAll(fileBox)).rejects.toThrow();
  });

  it('refuses to rotate a key that comes from TALLY_SECRET_KEY or does not exist', async () => {
    await expect(rotateDataDirKey(dir, (from, to) => rotateSecretKey(store, from, to), { TALLY_SECRET_KEY: 'x'.repeat(32) })).rejects.toThrow(/TALLY_SECRET_KEY/);
    await expect(rotateDataDirKey(dir, (from, to) => rotateSecretKey(store, from, to), {})).rejects.toThrow(/no key file/);
    expect(existsSync(keyFilePath(dir))).toBe(false);
  });
});
