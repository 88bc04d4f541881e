/**
 * Asks for an action's dependency inputs, pre-filled from the selected row, with choice
 * lists built from the element's tables. A refusal naming an input is shown beside it.
 */
import { useMemo, useState } from 'preact/hooks';
import { ApiError, describeError } from '../api/api-error.js';
import type { ActionInfo, ActionInputDef, RowView, Value } from '../api/types.js';
import { buildChoices, preselectChoice, type Choice } from '../logic/choice-list.js';
import { Dialog } from './dialog.js';
import { ValueInput } from './value-input.js';

interface ActionInputsDialogProps {
  action: ActionInfo;
  /** The rows the action acts on (first one pre-fills). */
  rows: RowView[];
  /** Rows of a table by id, for choice lists. */
  tableRows: (tableId: string) => RowView[];
  /** Shown above the inputs when the action asks for confirmation. */
  confirmText: string | null;
  onSubmit: (inputs: Record<string, Value>) => Promise<void>;
  onCancel: () => void;
}

export function ActionInputsDialog({ action, rows, tableRows, confirmText, onSubmit, onCancel }: ActionInputsDialogProps) {
  const inputs = action.inputs ?? [];
  const choiceLists = useMemo(() => {
    const lists = new Map<string, Choice[]>();
    for (const input of inputs) {
      if (input.choices) lists.set(input.id, buildChoices(input.choices, tableRows(input.choices.table)));
      else if (input.discretes) lists.set(input.id, input.discretes.map((d) => ({ value: String(d.value), label: d.label })));
    }
    return lists;
  }, [action]);
  const [values, setValues] = useState<Record<string, string>>(() => initialValues(inputs, rows[0], choiceLists));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const missing = inputs.find((input) => input.required && input.type !== 'boolean' && !values[input.id]);
    if (missing) {
      setErrors({ [missing.id]: `${missing.name} is required` });
      return;
    }
    setBusy(true);
    setErrors({});
    setFormError('');
    try {
      await onSubmit(typedInputs(inputs, values));
    } catch (error) {
      const field = error instanceof ApiError ? error.field?.split('.').pop() : undefined;
      if (field && inputs.some((input) => input.id === field)) setErrors({ [field]: describeError(error) });
      else setFormError(describeError(error));
      setBusy(false);
    }
  };

  const target = rows.map((row) => row.displayKey).join(', ');
  return (
    <Dialog title={target ? `${action.label} — ${target}` : action.label} onCancel={onCancel} tone={action.destructive ? 'danger' : undefined}>
      <form class="form" onSubmit={submit}>
        {action.description && <p class="dialog-text muted">{action.description}</p>}
        {confirmText && <p class="dialog-text dialog-warning">{confirmText}</p>}
        {inputs.map((input, index) => {
          const id = `action-input-${input.id}`;
          const error = errors[input.id];
          const choices = choiceLists.get(input.id);
          const value = values[input.id] ?? '';
          const set = (text: string) => setValues({ ...values, [input.id]: text });
          return (
            <div key={input.id} class={`field${error ? ' has-error' : ''}`}>
              <label class="field-label" for={id}>
                {input.name}
                {input.required && <span class="required" aria-hidden="true"> *</span>}
              </label>
              {choices ? (
                <select id={id} name={input.id} value={value} data-autofocus={index === 0 ? true : undefined} onChange={(e) => set(e.currentTarget.value)}>
                  {(!input.required || value === '') && <option value="">{choices.length ? '—' : 'No choices available'}</option>}
                  {choices.map((choice) => (
                    <option key={choice.value} value={choice.value}>
                      {choice.label}
                    </option>
                  ))}
                </select>
              ) : input.type === 'boolean' ? (
                <input id={id} name={input.id} type="checkbox" checked={value === 'true'} onChange={(e) => set(String(e.currentTarget.checked))} />
              ) : (
                <ValueInput
                  id={id}
                  name={input.id}
                  type={input.type === 'number' ? 'number' : 'text'}
                  min={input.range?.min}
                  max={input.range?.max}
                  value={value}
                  data-autofocus={index === 0 ? true : undefined}
                  onInput={(e) => set(e.currentTarget.value)}
                />
              )}
              {error && (
                <span class="field-error" role="alert">
                  {error}
                </span>
              )}
            </div>
          );
        })}
        {formError && (
          <p class="form-error" role="alert">
            {formError}
          </p>
        )}
        <div class="dialog-buttons">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" class={action.destructive ? 'button-danger' : 'button-primary'} disabled={busy}>
            {busy ? 'Working…' : action.label}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function initialValues(inputs: ActionInputDef[], row: RowView | undefined, lists: Map<string, Choice[]>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const input of inputs) {
    const fromRow = input.defaultFromColumn && row ? row.cells[input.defaultFromColumn] : undefined;
    const wanted: Value = fromRow !== undefined && fromRow !== null && fromRow !== '' ? fromRow : (input.default ?? null);
    const list = lists.get(input.id);
    values[input.id] = list ? preselectChoice(list, wanted) : wanted === null ? '' : String(wanted);
  }
  return values;
}

function typedInputs(inputs: ActionInputDef[], values: Record<string, string>): Record<string, Value> {
  const typed: Record<string, Value> = {};
  for (const input of inputs) {
    const text = values[input.id] ?? '';
    if (input.type === 'boolean') typed[input.id] = text === 'true';
    else if (text === '') continue;
    else if (input.type === 'number') typed[input.id] = Number(text);
    else if (input.discretes && !input.choices) typed[input.id] = input.discretes.find((d) => String(d.value) === text)?.value ?? text;
    else typed[input.id] = text;
  }
  return typed;
}
