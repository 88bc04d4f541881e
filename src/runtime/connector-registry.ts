/**
 * Finds the installed connectors: every folder under `connectors/` whose `index` module
 * default-exports a connector definition. Adding a connector is adding a folder; there is
 * no central list to edit.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ConnectorDefinition } from '../sdk/index.js';
import { notFound } from '../errors.js';

/** `connectors/` beside `src/`, both in the source tree and in `dist/`. */
export const DEFAULT_CONNECTORS_DIR = fileURLToPath(new URL('../../connectors/', import.meta.url));

export class ConnectorRegistry {
  private readonly byId = new Map<string, ConnectorDefinition>();

  constructor(definitions: Iterable<ConnectorDefinition> = []) {
    for (const definition of definitions) this.add(definition);
  }

  /** Loads every connector folder under `dir`. */
  static async load(dir: string = DEFAULT_CONNECTORS_DIR): Promise<ConnectorRegistry> {
    const registry = new ConnectorRegistry();
    const folders = readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory());
    for (const folder of folders.sort((a, b) => a.name.localeCompare(b.name))) {
      const entry = ['index.js', 'index.ts'].map((file) => join(dir, folder.name, file)).find(existsSync);
      if (!entry) continue;
      const module = (await import(pathToFileURL(entry).href)) as { default?: ConnectorDefinition };
      if (!module.default?.id) throw new Error(`connector folder ${folder.name}: index has no default connector definition`);
      registry.add(module.default);
    }
    return registry;
  }

  add(definition: ConnectorDefinition): void {
    if (this.byId.has(definition.id)) throw new Error(`connector ${definition.id} is installed twice`);
    this.byId.set(definition.id, definition);
  }

  get(id: string): ConnectorDefinition {
    const definition = this.byId.get(id);
    if (!definition) throw notFound('connector', id, 'connector');
    return definition;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  list(): ConnectorDefinition[] {
    return [...this.byId.values()];
  }
}
