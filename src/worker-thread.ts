/**
 * Starting a worker thread from a module that sits next to its caller. Built, Tally runs
 * compiled JavaScript and the worker is the `.js` module beside the caller; run from its
 * TypeScript sources (the test suite, `tsx`), the caller is a `.ts` file and the worker
 * registers tsx's loader first, as its parent did, then loads the `.ts` module.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

export function startWorker(callerUrl: string, moduleName: string, options: WorkerOptions): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${moduleName}.js`, callerUrl), options);
  const source = new URL(`./${moduleName}.ts`, callerUrl).href;
  const bootstrap = `import(${JSON.stringify(tsxRegisterModule(callerUrl))})
    .then(({ register }) => { register(); return import(${JSON.stringify(source)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/** tsx's ESM `register` module, found through the package's exports map. */
function tsxRegisterModule(callerUrl: string): string {
  const manifest = createRequire(callerUrl).resolve('tsx/package.json');
  const { exports } = JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(join(dirname(manifest), exports['./esm/api'].import.default)).href;
}
