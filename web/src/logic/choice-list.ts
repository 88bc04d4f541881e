/** Choice lists built from the rows of one of the element's tables (a {@link ChoiceSource}). */
import type { ChoiceSource, RowView, Value } from '../api/types.js';

export interface Choice {
  value: string;
  label: string;
}

/** The choices a source offers among these rows, in row order, without duplicates. */
export function buildChoices(source: ChoiceSource, rows: readonly RowView[]): Choice[] {
  const seen = new Set<string>();
  const choices: Choice[] = [];
  for (const row of rows) {
    if (source.where && !matchesWhere(row, source.where)) continue;
    const raw = source.valueColumn ? row.cells[source.valueColumn] : row.key;
    if (raw === null || raw === undefined || raw === '') continue;
    const value = String(raw);
    if (seen.has(value)) continue;
    seen.add(value);
    const labelCell = source.labelColumn ? row.cells[source.labelColumn] : row.displayKey;
    const label = labelCell === null || labelCell === undefined || labelCell === '' ? value : String(labelCell);
    choices.push({ value, label });
  }
  return choices;
}

function matchesWhere(row: RowView, where: Record<string, Value>): boolean {
  return Object.entries(where).every(([column, expected]) => row.cells[column] === expected);
}

/**
 * The value a list should start on: the given value when the list has it, matched by value
 * or by label (a row may hold the source's name where the list is keyed by id).
 */
export function preselectChoice(choices: readonly Choice[], wanted: Value): string {
  if (wanted === null || wanted === undefined || wanted === '') return '';
  const text = String(wanted);
  return (choices.find((choice) => choice.value === text) ?? choices.find((choice) => choice.label === text))?.value ?? '';
}
