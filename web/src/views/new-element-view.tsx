/**
 * The "new element" form, generated from the chosen connector: its connection defaults and
 * its configuration parameters. Secrets are write-only password fields; the API's refusal
 * is shown beside the field it names.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../api/api-client.js';
import { ApiError, describeError } from '../api/api-error.js';
import type { ConnectorInfo } from '../api/types.js';
import { buildCreateBody, elementFormFields, fieldForError, type FormField } from '../logic/element-form.js';
import { routeHash } from '../logic/route.js';
import { connectors, loadConnectors } from '../state/connectors-state.js';
import { notify } from '../state/notices.js';
import { useObservable } from '../state/use-observable.js';
import { ValueInput } from '../components/value-input.js';

const GROUP_TITLES: Record<FormField['group'], string> = {
  identity: 'Element',
  connection: 'Connection',
  configuration: 'Configuration',
  advanced: 'Timeouts and retries',
};

export function NewElementView() {
  const connectorMap = useObservable(connectors);
  const [connectorId, setConnectorId] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    loadConnectors().catch((error: unknown) => setFormError(describeError(error)));
  }, []);

  const list = [...(connectorMap?.values() ?? [])];
  const connector: ConnectorInfo | undefined = connectorMap?.get(connectorId) ?? (list.length === 1 ? list[0] : undefined);
  const fields = useMemo(() => (connector ? elementFormFields(connector) : []), [connector]);

  const chooseConnector = (id: string) => {
    setConnectorId(id);
    setValues({});
    setFieldErrors({});
    setFormError('');
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!connector) return;
    setBusy(true);
    setFieldErrors({});
    setFormError('');
    try {
      const created = await api.createElement(buildCreateBody(connector, fields, values));
      notify('good', 'Element created', created.name);
      location.hash = routeHash({ view: 'element', elementId: created.id });
    } catch (error) {
      const key = error instanceof ApiError ? fieldForError(fields, error.field) : null;
      if (key) setFieldErrors({ [key]: describeError(error) });
      else setFormError(describeError(error));
    } finally {
      setBusy(false);
    }
  };

  const groups = (['identity', 'connection', 'configuration', 'advanced'] as const)
    .map((group) => ({ group, fields: fields.filter((field) => field.group === group) }))
    .filter((entry) => entry.fields.length > 0);

  return (
    <section class="page page-narrow" aria-labelledby="new-element-title">
      <div class="page-head">
        <a class="back" href={routeHash({ view: 'elements' })}>
          ← Elements
        </a>
        <h1 id="new-element-title">New element</h1>
      </div>
      <form class="panel form" onSubmit={submit} noValidate>
        <label class="field">
          <span class="field-label">Connector</span>
          <select name="connector" value={connector?.id ?? ''} onChange={(event) => chooseConnector(event.currentTarget.value)} required>
            {!connector && <option value="">Choose a connector…</option>}
            {list.map((entry) => (
              <option key={entry.id} value={entry.id}>
                {entry.name} — {entry.vendor} {entry.version}
              </option>
            ))}
          </select>
          {connector?.description && <span class="field-help">{connector.description}</span>}
        </label>
        {groups.map(({ group, fields: groupFields }) => (
          <fieldset key={group} class={`form-group form-group-${group}`}>
            <legend>{GROUP_TITLES[group]}</legend>
            <div class="form-grid">
              {groupFields.map((field) => (
                <FieldInput
                  key={field.key}
                  field={field}
                  value={values[field.key] ?? field.initial}
                  error={fieldErrors[field.key]}
                  onChange={(value) => setValues({ ...values, [field.key]: value })}
                />
              ))}
            </div>
          </fieldset>
        ))}
        {formError && (
          <p class="form-error" role="alert">
            {formError}
          </p>
        )}
        <div class="form-buttons">
          <a class="button" href={routeHash({ view: 'elements' })}>
            Cancel
          </a>
          <button type="submit" class="button-primary" disabled={!connector || busy}>
            {busy ? 'Creating…' : 'Create element'}
          </button>
        </div>
      </form>
    </section>
  );
}

function FieldInput({ field, value, error, onChange }: { field: FormField; value: string; error?: string; onChange: (value: string) => void }) {
  const id = 'field-' + field.key.replace(/\W/g, '-');
  const describedBy = [error ? id + '-error' : '', field.help ? id + '-help' : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name: field.key,
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': describedBy,
    'aria-required': field.required ? ('true' as const) : undefined,
  };
  const label = (
    <label class="field-label" for={id}>
      {field.label}
      {field.required && <span class="required" aria-hidden="true"> *</span>}
    </label>
  );
  if (field.kind === 'boolean') {
    return (
      <div class={`field field-check${error ? ' has-error' : ''}`}>
        <input {...common} type="checkbox" checked={value === 'true'} onChange={(event) => onChange(String(event.currentTarget.checked))} />
        {label}
        <FieldNotes id={id} field={field} error={error} />
      </div>
    );
  }
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      {label}
      {field.kind === 'select' ? (
        <select {...common} value={value} onChange={(event) => onChange(event.currentTarget.value)}>
          <option value="">—</option>
          {field.options?.map((option) => (
            <option key={String(option.value)} value={String(option.value)}>
              {option.label}
            </option>
          ))}
        </select>
      ) : (
        <ValueInput
          {...common}
          type={field.kind === 'password' ? 'password' : field.kind === 'number' ? 'number' : 'text'}
          autocomplete={field.kind === 'password' ? 'new-password' : 'off'}
          value={value}
          onInput={(event) => onChange(event.currentTarget.value)}
        />
      )}
      <FieldNotes id={id} field={field} error={error} />
    </div>
  );
}

function FieldNotes({ id, field, error }: { id: string; field: FormField; error?: string }) {
  return (
    <>
      {error && (
        <span class="field-error" id={id + '-error'} role="alert">
          {error}
        </span>
      )}
      {field.help && (
        <span class="field-help" id={id + '-help'}>
          {field.help}
        </span>
      )}
    </>
  );
}
