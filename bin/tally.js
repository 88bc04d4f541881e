#!/usr/bin/env node
// The `tally` command: runs the compiled CLI (`npm run build` produces dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
if (!existsSync(compiled)) {
  console.error('tally is not built yet: run `npm run build` first');
  process.exit(1);
}
await import(compiled);
