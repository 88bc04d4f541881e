/**
 * Rotating the key that seals secret parameters (`tally rotate-key`). Every secret is opened
 * before anything is written, so a wrong old key changes nothing; the new key file is written
 * next to the old one first, so a crash mid-way never loses a key the database needs.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ElementRecord, Store } from '../store/types.js';
import { keyFilePath, SecretBox } from './secret-box.js';

/**
 * Re-seals every element's secrets from one key to another and returns how many were
 * re-sealed. A secret already sealed under `to` is left alone, so an interrupted rotation
 * can be run again to completion. Throws, having written nothing, when a secret opens with
 * neither key.
 */
export async function rotateSecretKey(store: Store, from: SecretBox, to: SecretBox): Promise<number> {
  const resealed: ElementRecord[] = [];
  let count = 0;
  for (const element of await store.listElements()) {
    const sealedSecrets = { ...element.sealedSecrets };
    let changed = false;
    for (const [paramId, sealed] of Object.entries(element.sealedSecrets)) {
      const plain = tryOpen(from, sealed);
      if (plain === undefined) {
        if (tryOpen(to, sealed) !== undefined) continue;
        throw new Error(`secret "${paramId}" of element "${element.id}" does not open with the current key; nothing was changed`);
      }
      sealedSecrets[paramId] = to.seal(plain);
      changed = true;
      count++;
    }
    if (changed) resealed.push({ ...element, sealedSecrets });
  }
  for (const element of resealed) await store.saveElement(element);
  return count;
}

/** New random key material, as kept in a key file. */
export function generateKeyMaterial(): string {
  return randomBytes(32).toString('base64');
}

/** Writes `material` to `path` with 0600 permissions, replacing any file there in one step. */
export function writeKeyFileAtomically(path: string, material: string): void {
  const temporary = join(dirname(path), `.${randomBytes(6).toString('hex')}.key.tmp`);
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, `${material}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * Rotates the key file of a data directory (`tally rotate-key`) and returns how many secrets
 * were re-sealed. The new key is saved as `secret.key.next` first, the secrets are re-sealed
 * under it, then it replaces `secret.key`. Should the process die before the end, running
 * this again picks up `secret.key.next` and finishes the job.
 */
export async function rotateDataDirKey(
  dataDir: string,
  reseal: (from: SecretBox, to: SecretBox) => Promise<number>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  if (env.TALLY_SECRET_KEY) {
    throw new Error('TALLY_SECRET_KEY is set: the key lives in the environment, not in a key file; rotate it with rotateSecretKey');
  }
  const keyFile = keyFilePath(dataDir);
  if (!existsSync(keyFile)) throw new Error(`no key file at ${keyFile}: there is nothing to rotate`);
  const current = SecretBox.forDataDir(dataDir, {});
  const next = `${keyFile}.next`;
  if (!existsSync(next)) writeKeyFileAtomically(next, generateKeyMaterial());
  const count = await reseal(current, SecretBox.fromKeyMaterial(readFileSync(next, 'utf8').trim()));
  renameSync(next, keyFile);
  return count;
}

function tryOpen(box: SecretBox, sealed: string): string | undefined {
  try {
    return box.open(sealed);
  } catch {
    return undefined;
  }
}
