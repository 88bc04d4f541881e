/**
 * One parameter on a page: name, value with unit, stale marking, and for writable ones an
 * in-place editor (text, number, discrete list, choice list from a table, switch, or a
 * write-only field for secrets).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api/api-client.js';
import { describeError } from '../api/api-error.js';
import type { ParamInfo, ParamView, RowView, SessionInfo, Value } from '../api/types.js';
import { buildChoices, preselectChoice } from '../logic/choice-list.js';
import { formatAge } from '../logic/format.js';
import { hasRole } from '../logic/roles.js';
import { notify } from '../state/notices.js';
import { ToneText } from './badges.js';
import { TrendLink } from './trend-link.js';
import { ValueInput } from './value-input.js';

interface ParamRowProps {
  elementId: string;
  definition: ParamInfo | undefined;
  view: ParamView | undefined;
  tableRows: (tableId: string) => RowView[];
  user: SessionInfo;
}

export function ParamRow({ elementId, definition, view, tableRows, user }: ParamRowProps) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const editor = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (editing) editor.current?.querySelector<HTMLElement>('input, select')?.focus();
  }, [editing]);
  if (!view) return null;

  const name = view.name;
  const canWrite = view.writable && hasRole(user.role, 'operator');
  const choices = definition?.choices ? buildChoices(definition.choices, tableRows(definition.choices.table)) : null;
  const discretes = definition?.discretes ?? null;
  const inputId = `param-${view.id}`;

  const write = async (value: Value) => {
    setBusy(true);
    setError('');
    try {
      const updated = await api.setParam(elementId, view.id, value);
      setEditing(false);
      notify('good', `${name} set`, view.secret ? `${name} changed.` : `${name}: ${updated?.display ?? String(value)}`);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  const beginEdit = () => {
    const current = view.secret ? '' : view.value === null ? '' : String(view.value);
    setDraft(choices ? preselectChoice(choices, view.value) : current);
    setError('');
    setEditing(true);
  };

  const submit = (event: Event) => {
    event.preventDefault();
    if (view.type === 'number') {
      if (draft.trim() === '') return void write(null);
      const number = Number(draft);
      if (!Number.isFinite(number)) return setError(`${name} must be a number`);
      return void write(number);
    }
    if (view.type === 'discrete' && discretes) {
      return void write(discretes.find((entry) => String(entry.value) === draft)?.value ?? draft);
    }
    void write(draft);
  };

  const shown = view.secret ? (
    <span class={view.isSet ? 'secret-set' : 'muted'}>{view.isSet ? '•••••••• (set)' : 'Not set'}</span>
  ) : view.type === 'boolean' && typeof view.value === 'boolean' ? (
    <ToneText text={view.value ? 'On' : 'Off'} tone={view.value ? 'good' : 'idle'} />
  ) : view.type === 'discrete' || /status$/i.test(view.id) ? (
    <ToneText text={view.display} />
  ) : view.display ? (
    <span>{view.display}</span>
  ) : (
    <span class="muted">—</span>
  );

  return (
    <div class={`param-row${view.stale ? ' is-stale' : ''}`} data-param={view.id}>
      <div class="param-name" id={`${inputId}-name`} title={definition?.description}>
        {name}
      </div>
      {editing ? (
        <form ref={editor} class="param-editor" onSubmit={submit} onKeyDown={(event) => event.key === 'Escape' && setEditing(false)}>
          {choices || (discretes && view.type === 'discrete') ? (
            <select id={inputId} aria-labelledby={`${inputId}-name`} value={draft} onChange={(event) => setDraft(event.currentTarget.value)} >
              <option value="">—</option>
              {(choices ?? discretes!.map((d) => ({ value: String(d.value), label: d.label }))).map((choice) => (
                <option key={choice.value} value={choice.value}>
                  {choice.label}
                </option>
              ))}
            </select>
          ) : (
            <ValueInput
              id={inputId}
              aria-labelledby={`${inputId}-name`}
              type={view.secret ? 'password' : view.type === 'number' ? 'number' : 'text'}
              autocomplete={view.secret ? 'new-password' : 'off'}
              min={definition?.range?.min}
              max={definition?.range?.max}
              value={draft}
              onInput={(event) => setDraft(event.currentTarget.value)}
            />
          )}
          {view.unit && <span class="unit">{view.unit}</span>}
          <button type="submit" class="button-primary" disabled={busy}>
            {busy ? 'Setting…' : 'Set'}
          </button>
          <button type="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <div class="param-value">
          {shown}
          {view.stale && !view.secret && view.display !== '' && (
            <span class="stale-tag" title={view.updatedAt ? `Last updated ${formatAge(view.updatedAt, Date.now())}` : 'Never polled'}>
              stale
            </span>
          )}
          {definition?.trend && !view.secret && <TrendLink elementId={elementId} target={{ paramId: view.id }} name={name} />}
        </div>
      )}
      <div class="param-controls">
        {canWrite && !editing && view.type === 'boolean' && !view.secret ? (
          <button
            type="button"
            role="switch"
            aria-checked={view.value === true ? 'true' : 'false'}
            aria-labelledby={`${inputId}-name`}
            class="switch"
            disabled={busy}
            onClick={() => void write(view.value !== true)}
          >
            <span class="switch-knob" aria-hidden="true" />
          </button>
        ) : (
          canWrite &&
          !editing && (
            <button type="button" class="button-quiet" aria-label={`${view.secret ? 'Change' : 'Edit'} ${name}`} onClick={beginEdit}>
              {view.secret ? (view.isSet ? 'Change' : 'Set') : 'Edit'}
            </button>
          )
        )}
      </div>
      {error && (
        <div class="param-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
