/**
 * `tally rotate-key`: re-seals every secret parameter under a new key. Stop Tally first: a
 * running Tally keeps sealing with the key it started with. The old key file is kept as a
 * backup (0600) beside the new one until you delete it.
 */
import { copyFileSync, chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resealWebhookUrls } from '../alarms/webhook-notifier.js';
import { DATABASE_FILE } from '../app/create-tally.js';
import { rotateDataDirKey, rotateSecretKey, writeKeyFileAtomically } from '../security/rotate-secret-key.js';
import { keyFilePath, SecretBox } from '../security/secret-box.js';
import { SqliteStore } from '../store/sqlite-store.js';
import type { CliContext } from './cli-context.js';
import { resolveSettings } from './cli-settings.js';
import { UsageError } from './usage-error.js';

export async function runRotateKey(args: string[], context: CliContext): Promise<number> {
  const { values } = parseArgs({ args, options: { 'data-dir': { type: 'string' } }, strict: true, allowPositionals: false });
  const { dataDir } = resolveSettings(values, context.env);
  const newKey = context.env.TALLY_NEW_SECRET_KEY;
  const envKey = context.env.TALLY_SECRET_KEY;
  if (envKey) {
    if (!newKey) throw new UsageError('the key is in TALLY_SECRET_KEY: give the new one in TALLY_NEW_SECRET_KEY');
    const count = await withStore(dataDir, (store) => resealAll(store)(SecretBox.fromKeyMaterial(envKey), SecretBox.fromKeyMaterial(newKey)));
    context.print(`${count} secret(s) re-sealed. Start Tally with TALLY_SECRET_KEY set to the value of TALLY_NEW_SECRET_KEY.`);
    return 0;
  }
  const keyFile = keyFilePath(dataDir);
  if (!existsSync(keyFile)) throw new UsageError(`no key file at ${keyFile}: there is nothing to rotate`);
  const backup = `${keyFile}.${new Date().toISOString().replace(/[:.]/g, '-')}.bak`;
  copyFileSync(keyFile, backup);
  chmodSync(backup, 0o600);
  const count = await withStore(dataDir, async (store) => {
    if (!newKey) return rotateDataDirKey(dataDir, resealAll(store), context.env);
    const resealed = await resealAll(store)(SecretBox.forDataDir(dataDir, {}), SecretBox.fromKeyMaterial(newKey));
    writeKeyFileAtomically(keyFile, newKey);
    return resealed;
  });
  context.print(`${count} secret(s) re-sealed under the new key in ${keyFile}. The old key is kept in ${backup}: delete it once you have checked Tally starts.`);
  return 0;
}

/** Everything sealed under Tally's key: element secrets and webhook addresses. */
function resealAll(store: SqliteStore): (from: SecretBox, to: SecretBox) => Promise<number> {
  return async (from, to) => (await rotateSecretKey(store, from, to)) + resealWebhookUrls(store.db, from, to);
}

async function withStore<T>(dataDir: string, use: (store: SqliteStore) => Promise<T>): Promise<T> {
  const store = SqliteStore.open(join(dataDir, DATABASE_FILE));
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}
