/**
 * Runs a button or context-menu item the way the connector declared it: ask for inputs,
 * confirm when destructive, call the API, then show the operator the message (or the
 * refusal) it answered with.
 */
import type { ComponentChild } from 'preact';
import { useState } from 'preact/hooks';
import { api } from '../api/api-client.js';
import { describeError } from '../api/api-error.js';
import type { ActionInfo, RowView, Value } from '../api/types.js';
import { confirmationText } from '../logic/selection-rules.js';
import { notify } from '../state/notices.js';
import { ActionInputsDialog } from './action-inputs-dialog.js';
import { ConfirmDialog } from './confirm-dialog.js';

type Step = { kind: 'inputs' | 'confirm'; action: ActionInfo; rows: RowView[] } | null;

export interface ActionRunner {
  start: (action: ActionInfo, rows: RowView[]) => void;
  /** Ids of actions waiting for the device's answer. */
  busy: ReadonlySet<string>;
  dialog: ComponentChild;
}

export function useActionRunner(elementId: string, tableRows: (tableId: string) => RowView[]): ActionRunner {
  const [step, setStep] = useState<Step>(null);
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());

  const send = async (action: ActionInfo, rows: RowView[], inputs: Record<string, Value>) => {
    setBusy((current) => new Set([...current, action.id]));
    try {
      const result = await api.runAction(elementId, action.id, rows.map((row) => row.key), inputs);
      notify('good', action.label, result.message || 'Done.');
    } finally {
      setBusy((current) => new Set([...current].filter((id) => id !== action.id)));
    }
  };

  const sendAndReport = (action: ActionInfo, rows: RowView[], inputs: Record<string, Value>) =>
    send(action, rows, inputs).catch((error: unknown) => notify('bad', `${action.label} refused`, describeError(error)));

  const start = (action: ActionInfo, rows: RowView[]) => {
    if (action.inputs?.length) setStep({ kind: 'inputs', action, rows });
    else if (confirmationText(action, rows.map((row) => row.displayKey))) setStep({ kind: 'confirm', action, rows });
    else void sendAndReport(action, rows, {});
  };

  let dialog: ComponentChild = null;
  if (step?.kind === 'inputs') {
    dialog = (
      <ActionInputsDialog
        action={step.action}
        rows={step.rows}
        tableRows={tableRows}
        confirmText={confirmationText(step.action, step.rows.map((row) => row.displayKey))}
        onCancel={() => setStep(null)}
        onSubmit={async (inputs) => {
          await send(step.action, step.rows, inputs);
          setStep(null);
        }}
      />
    );
  } else if (step?.kind === 'confirm') {
    const targets = step.rows.map((row) => row.displayKey);
    dialog = (
      <ConfirmDialog
        title={targets.length ? `${step.action.label} — ${targets.join(', ')}` : step.action.label}
        text={confirmationText(step.action, targets) ?? ''}
        confirmLabel={step.action.label}
        destructive={step.action.destructive === true}
        onCancel={() => setStep(null)}
        onConfirm={() => {
          const { action, rows } = step;
          setStep(null);
          void sendAndReport(action, rows, {});
        }}
      />
    );
  }
  return { start, busy, dialog };
}
