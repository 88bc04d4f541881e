/** "Are you sure?" before a command: Cancel has the focus, so Enter alone never runs it. */
import { Dialog } from './dialog.js';

interface ConfirmDialogProps {
  title: string;
  text: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  /** Styles the dialog and its button as dangerous (default: true). */
  destructive?: boolean;
}

export function ConfirmDialog({ title, text, confirmLabel, onConfirm, onCancel, destructive = true }: ConfirmDialogProps) {
  return (
    <Dialog title={title} onCancel={onCancel} tone={destructive ? 'danger' : undefined} role="alertdialog">
      {text && <p class="dialog-text">{text}</p>}
      <div class="dialog-buttons">
        <button type="button" data-autofocus onClick={onCancel}>
          Cancel
        </button>
        <button type="button" class={destructive ? 'button-danger' : 'button-primary'} onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
