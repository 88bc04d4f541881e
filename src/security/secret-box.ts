/**
 * Seals secret parameter values (API keys, passwords) for storage with AES-256-GCM.
 * The key comes from TALLY_SECRET_KEY or from a key file created on first start in the data
 * directory with 0600 permissions. A sealed value is `v1:<iv>:<tag>:<ciphertext>` in base64.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const KEY_FILE = 'secret.key';

export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /** A box from raw key material of any length (hashed to 32 bytes). */
  static fromKeyMaterial(material: string): SecretBox {
    if (material.length < 16) throw new Error('TALLY_SECRET_KEY must be at least 16 characters');
    return new SecretBox(createHash('sha256').update(material, 'utf8').digest());
  }

  /** The key from TALLY_SECRET_KEY, else from `<dataDir>/secret.key`, created when absent. */
  static forDataDir(dataDir: string, env: NodeJS.ProcessEnv = process.env): SecretBox {
    if (env.TALLY_SECRET_KEY) return SecretBox.fromKeyMaterial(env.TALLY_SECRET_KEY);
    return SecretBox.fromKeyMaterial(readOrCreateKeyFile(dataDir));
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join(':');
  }

  /** Throws when the value was sealed under another key or tampered with. */
  open(sealed: string): string {
    const [version, iv, tag, data] = sealed.split(':');
    if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
  }
}

export function keyFilePath(dataDir: string): string {
  return join(dataDir, KEY_FILE);
}

function readOrCreateKeyFile(dataDir: string): string {
  const path = keyFilePath(dataDir);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const material = randomBytes(32).toString('base64');
  writeFileSync(path, `${material}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return material;
}
