/** A value as it reads in a table cell (the unit is in the header): discretes and booleans carry their tone. */
import type { Value } from '../api/types.js';
import { formatValue, type ValueShapeLike } from '../logic/format.js';
import { ToneText } from './badges.js';

export function CellValue({ shape, value }: { shape: ValueShapeLike; value: Value }) {
  if (shape.type === 'boolean' && !shape.discretes?.length && value !== null) {
    return <ToneText text={formatValue(shape, value)} tone={value === true ? 'good' : 'idle'} />;
  }
  if (shape.type === 'discrete' || shape.type === 'boolean') return <ToneText text={formatValue(shape, value)} />;
  const text = formatValue(shape, value);
  return text ? <span title={text.length > 16 ? text : undefined}>{text}</span> : <span class="muted">—</span>;
}
