/**
 * `tally user add|passwd|role|remove|list`: user administration straight on the data directory's
 * database, for the first users and for recovery (a running Tally sees the change at once).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DATABASE_FILE } from '../app/create-tally.js';
import { AuditLog } from '../security/audit-log.js';
import { UserDirectory } from '../security/user-directory.js';
import { SqliteStore } from '../store/sqlite-store.js';
import type { CliContext } from './cli-context.js';
import { resolveSettings } from './cli-settings.js';
import { isRole } from '../server/roles.js';
import { UsageError } from './usage-error.js';

const OPTIONS = {
  'data-dir': { type: 'string' },
  role: { type: 'string' },
  password: { type: 'string' },
} as const;

export async function runUser(args: string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: true });
  const [verb, username] = positionals;
  const { dataDir } = resolveSettings(values, context.env);
  const store = SqliteStore.open(join(dataDir, DATABASE_FILE));
  try {
    const users = new UserDirectory(store.db);
    const audit = new AuditLog(store.db);
    const record = (action: string, inputs?: Record<string, unknown>) =>
      audit.record({ user: 'cli', address: 'tally user', action, target: username, inputs, result: 'ok' });
    switch (verb) {
      case 'add': {
        const role = values.role;
        if (!isRole(role)) throw new UsageError('give the role: --role viewer|operator|admin');
        const password = values.password ?? (await askNewPassword(context, requireName(username)));
        await users.addUser(requireName(username), password, role);
        await record('user.create', { role });
        context.print(`user ${username} added as ${role}`);
        return 0;
      }
      case 'passwd': {
        const password = values.password ?? (await askNewPassword(context, requireName(username)));
        await users.setPassword(requireName(username), password);
        await record('user.update', { passwordChanged: true });
        context.print(`password of ${username} changed; their browser sessions are signed out`);
        return 0;
      }
      case 'role': {
        const role = values.role;
        if (!isRole(role)) throw new UsageError('give the role: --role viewer|operator|admin');
        users.setRole(requireName(username), role);
        await record('user.update', { role });
        context.print(`${username} is now ${role}`);
        return 0;
      }
      case 'remove':
        users.removeUser(requireName(username));
        await record('user.delete');
        context.print(`user ${username} removed with their tokens and sessions`);
        return 0;
      case 'list':
        for (const user of users.listUsers()) context.print(`${user.username}\t${user.role}`);
        return 0;
      default:
        throw new UsageError('tally user add <username> --role <role> | passwd <username> | role <username> --role <role> | remove <username> | list');
    }
  } finally {
    await store.close();
  }
}

function requireName(username: string | undefined): string {
  if (!username) throw new UsageError('name the user: tally user <add|passwd|role|remove> <username>');
  return username;
}

async function askNewPassword(context: CliContext, username: string): Promise<string> {
  const password = await context.readSecret(`New password for ${username}: `);
  if (context.interactive) {
    const again = await context.readSecret('Again: ');
    if (again !== password) throw new UsageError('the two passwords differ; nothing was changed');
  }
  return password;
}
