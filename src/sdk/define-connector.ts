import type { ActionDef, ConnectorDefinition, PageItem } from './types.js';

/**
 * Declares a connector and checks it is coherent: unique ids, pages and actions that name
 * existing parameters, tables and actions. A mistake fails at load time, not in front of
 * an operator.
 */
export function defineConnector<T extends ConnectorDefinition>(definition: T): T {
  const problems = findProblems(definition);
  if (problems.length > 0) {
    throw new Error(`connector ${definition.id}: ${problems.join('; ')}`);
  }
  return Object.freeze(definition);
}

function findProblems(def: ConnectorDefinition): string[] {
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9-]*$/.test(def.id)) problems.push(`id "${def.id}" must be kebab-case`);
  const paramIds = uniqueIds('parameter', def.params.map((p) => p.id), problems);
  const tableIds = uniqueIds('table', def.tables.map((t) => t.id), problems);
  const actionIds = uniqueIds('action', def.actions.map((a) => a.id), problems);
  uniqueIds('page', def.pages.map((p) => p.id), problems);
  uniqueIds('poll group', def.polls.map((p) => p.id), problems);

  for (const table of def.tables) {
    const columnIds = uniqueIds(`column of ${table.id}`, table.columns.map((c) => c.id), problems);
    if (!columnIds.has(table.displayColumn)) {
      problems.push(`table ${table.id}: display column ${table.displayColumn} is not a column`);
    }
  }
  for (const param of def.params) {
    if (param.type === 'discrete' && !param.discretes?.length) {
      problems.push(`parameter ${param.id} is discrete but lists no discretes`);
    }
    if (param.volatile && (param.config || param.secret || param.writable)) {
      problems.push(`parameter ${param.id} cannot be volatile: it is configuration, secret or writable, and what an operator sets is stored at once`);
    }
  }
  for (const action of def.actions) {
    for (const table of actionTables(action)) {
      if (!tableIds.has(table)) problems.push(`action ${action.id}: no table ${table}`);
    }
    if (action.table === undefined && action.moreTables?.length) {
      problems.push(`action ${action.id}: moreTables needs a table`);
    }
    if (action.table === undefined && action.selection !== 'none') {
      problems.push(`action ${action.id}: a button cannot need selected rows`);
    }
  }
  const exists = (item: PageItem): boolean =>
    'param' in item ? paramIds.has(item.param) : 'table' in item ? tableIds.has(item.table) : actionIds.has(item.action);
  for (const page of def.pages) {
    for (const item of page.items) {
      if (!exists(item)) problems.push(`page ${page.id}: unknown item ${JSON.stringify(item)}`);
    }
  }
  return problems;
}

function uniqueIds(kind: string, ids: string[], problems: string[]): Set<string> {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) problems.push(`duplicate ${kind} id ${id}`);
    seen.add(id);
  }
  return seen;
}

/** The tables whose context menus offer an action (empty for a button). */
export function actionTables(action: ActionDef): string[] {
  return action.table === undefined ? [] : [action.table, ...(action.moreTables ?? [])];
}
