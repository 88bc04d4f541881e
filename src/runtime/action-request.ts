/**
 * Turns what an operator sent for an action (selected row keys, dependency inputs) into the
 * request its handler receives, or a refusal naming `rows` or `inputs.<id>`.
 */
import { actionTables, type ActionDef, type ActionRequest, type ChoiceSource, type Row, type Value } from '../sdk/index.js';
import { TallyError } from '../errors.js';
import type { ActionInput } from './element-service.js';
import { checkObject } from './element-input.js';
import { coerceValue } from './value-rules.js';

/** Read access to the element's current rows. */
export interface RowSource {
  row(tableId: string, key: string): Row | undefined;
  rows(tableId: string): Row[];
}

export function buildActionRequest(action: ActionDef, input: ActionInput | undefined, rowsOf: RowSource, user: string): ActionRequest {
  const given = checkObject(input ?? {}, 'body', ['rows', 'inputs']);
  const rows = selectRows(action, given.rows, rowsOf);
  const inputs = checkInputs(action, given.inputs, rows[0], rowsOf);
  return { rows, inputs, user };
}

function selectRows(action: ActionDef, raw: unknown, rowsOf: RowSource): Row[] {
  if (raw !== undefined && (!Array.isArray(raw) || raw.some((key) => typeof key !== 'string'))) {
    throw new TallyError('VALIDATION', 'rows must be a list of row keys', 'rows');
  }
  const keys = [...new Set((raw as string[] | undefined) ?? [])];
  if (action.selection === 'none' && keys.length > 0) {
    throw new TallyError('VALIDATION', `${action.label} takes no selected rows`, 'rows');
  }
  if (action.selection === 'single' && keys.length !== 1) {
    throw new TallyError('VALIDATION', `${action.label} needs exactly one selected row`, 'rows');
  }
  if (action.selection === 'multiple' && keys.length === 0) {
    throw new TallyError('VALIDATION', `${action.label} needs at least one selected row`, 'rows');
  }
  const tables = actionTables(action);
  return keys.map((key) => {
    for (const table of tables) {
      const row = rowsOf.row(table, key);
      if (row) return row;
    }
    throw new TallyError('NOT_FOUND', `no row "${key}" in ${tables.join(', ')}`, 'rows');
  });
}

function checkInputs(action: ActionDef, raw: unknown, firstRow: Row | undefined, rowsOf: RowSource): Record<string, Value> {
  const definitions = action.inputs ?? [];
  const given = checkObject(
    raw ?? {},
    'inputs',
    definitions.map((def) => def.id),
  );
  const inputs: Record<string, Value> = {};
  for (const def of definitions) {
    const field = `inputs.${def.id}`;
    let value: unknown = given[def.id];
    if (value === undefined || value === null || value === '') {
      value = (def.defaultFromColumn && firstRow ? firstRow.cells[def.defaultFromColumn] : undefined) ?? def.default ?? null;
    }
    const coerced = coerceValue(def, value, field);
    if ((coerced === null || coerced === '') && def.required) {
      throw new TallyError('VALIDATION', `${def.name} is required`, field);
    }
    if (coerced !== null && def.choices && !choiceValues(def.choices, rowsOf).includes(coerced)) {
      throw new TallyError('REFUSED', `${def.name} "${String(coerced)}" is not one of the available choices`, field);
    }
    inputs[def.id] = coerced;
  }
  return inputs;
}

/** The values a choice list offers now. */
export function choiceValues(source: ChoiceSource, rowsOf: RowSource): Value[] {
  const values: Value[] = [];
  for (const row of rowsOf.rows(source.table)) {
    if (source.where && Object.entries(source.where).some(([column, wanted]) => row.cells[column] !== wanted)) continue;
    values.push(source.valueColumn ? (row.cells[source.valueColumn] ?? null) : row.key);
  }
  return values;
}
