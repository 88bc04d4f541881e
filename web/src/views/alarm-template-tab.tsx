/**
 * The element card's Alarm template tab: the rules that raise this element's alarms — its
 * own, or its connector's defaults. Everyone reads them; admins edit the JSON, with Tally's
 * validation message shown beside the editor, or go back to the connector's defaults.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/api-client.js';
import { ApiError, describeError } from '../api/api-error.js';
import type { AlarmTemplateInfo } from '../api/types.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { hasRole } from '../logic/roles.js';
import { parseTemplateText, templateText } from '../logic/template-json.js';
import { notify } from '../state/notices.js';
import type { CardTabContext } from './card-tabs.js';

export function AlarmTemplateTab({ element, user }: CardTabContext) {
  const [template, setTemplate] = useState<AlarmTemplateInfo | null>(null);
  const [text, setText] = useState('');
  const [loadError, setLoadError] = useState('');
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);
  const [confirmingReset, setConfirmingReset] = useState(false);
  const canEdit = hasRole(user.role, 'admin');

  const show = (next: AlarmTemplateInfo) => {
    setTemplate(next);
    setText(templateText(next.rules));
    setProblem('');
  };

  useEffect(() => {
    api.alarmTemplate(element.id).then(show, (failure: unknown) =>
      setLoadError(failure instanceof ApiError && failure.status === 404 ? 'This Tally raises no alarms.' : describeError(failure)),
    );
  }, [element.id]);

  const save = async (event: Event) => {
    event.preventDefault();
    const parsed = parseTemplateText(text);
    if (!parsed.ok) return setProblem(parsed.message);
    setBusy(true);
    try {
      show(await api.setAlarmTemplate(element.id, parsed.rules));
      notify('good', 'Alarm template saved', `${element.name} now uses its own alarm template.`);
    } catch (failure) {
      setProblem(failure instanceof ApiError && failure.field ? `${failure.field}: ${failure.message}` : describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  const reset = async () => {
    setConfirmingReset(false);
    setBusy(true);
    try {
      show(await api.resetAlarmTemplate(element.id));
      notify('good', 'Alarm template reset', `${element.name} uses its connector's default alarm template again.`);
    } catch (failure) {
      setProblem(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  if (loadError) {
    return (
      <p class="form-error" role="alert">
        {loadError}
      </p>
    );
  }
  if (!template) return <p class="muted" aria-busy="true">Loading the alarm template…</p>;

  const changed = text !== templateText(template.rules);
  return (
    <form class="panel alarm-template" onSubmit={save} aria-label="Alarm template">
      <div class="panel-head">
        <h2>Alarm template</h2>
        <span class={`badge ${template.source === 'element' ? 'badge-warn' : 'badge-idle'}`} data-source={template.source}>
          {template.source === 'element' ? 'Own template' : 'Connector default'}
        </span>
        <span class="count">
          {template.rules.length} rule{template.rules.length === 1 ? '' : 's'}
        </span>
        {canEdit && (
          <div class="toolbar">
            <button type="button" disabled={busy || template.source !== 'element'} title={template.source === 'element' ? undefined : 'Already the connector default'} onClick={() => setConfirmingReset(true)}>
              Reset to connector defaults
            </button>
            <button type="button" disabled={busy || !changed} onClick={() => show(template)}>
              Discard changes
            </button>
            <button type="submit" class="button-primary" disabled={busy || !changed}>
              {busy ? 'Saving…' : 'Save template'}
            </button>
          </div>
        )}
      </div>
      <p class="template-help muted">
        Rules: <code>{'{id, target: {param} | {table, column, rowFilter?}, kind: threshold | discrete | pattern, thresholds | values | patterns, hysteresis?: {raiseSeconds?, clearSeconds?}, enabled?}'}</code>
        {!canEdit && ' · Changing the template needs the admin role.'}
      </p>
      {problem && (
        <p class="form-error template-error" role="alert">
          {problem}
        </p>
      )}
      <textarea
        class="json-editor"
        aria-label="Alarm template JSON"
        aria-invalid={problem ? 'true' : undefined}
        spellcheck={false}
        readOnly={!canEdit}
        value={text}
        onInput={(event) => {
          setText(event.currentTarget.value);
          setProblem('');
        }}
      />
      {confirmingReset && (
        <ConfirmDialog
          title="Reset to the connector defaults?"
          text={`${element.name} drops its own alarm rules and uses its connector's default template again.`}
          confirmLabel="Reset template"
          onCancel={() => setConfirmingReset(false)}
          onConfirm={() => void reset()}
        />
      )}
    </form>
  );
}
