/** Acknowledging one or more alarms with a comment the next shift will read. */
import { useState } from 'preact/hooks';
import { api } from '../api/api-client.js';
import { describeError } from '../api/api-error.js';
import type { AlarmInfo } from '../api/types.js';
import { notify } from '../state/notices.js';
import { SeverityBadge } from './badges.js';
import { Dialog } from './dialog.js';

interface AcknowledgeDialogProps {
  alarms: AlarmInfo[];
  /** Each acknowledged alarm as Tally answered it. */
  onAcknowledged: (alarm: AlarmInfo) => void;
  onClose: () => void;
}

export function AcknowledgeDialog({ alarms, onAcknowledged, onClose }: AcknowledgeDialogProps) {
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const title = alarms.length === 1 ? 'Acknowledge alarm' : `Acknowledge ${alarms.length} alarms`;

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    const failures: string[] = [];
    for (const alarm of alarms) {
      try {
        onAcknowledged(await api.acknowledgeAlarm(alarm.id, comment));
      } catch (failure) {
        failures.push(`${alarm.elementName}, ${alarm.message}: ${describeError(failure)}`);
      }
    }
    setBusy(false);
    if (failures.length) return setError(failures.join('\n'));
    notify('good', 'Acknowledged', alarms.map((alarm) => `${alarm.elementName}: ${alarm.message}`).join('\n'));
    onClose();
  };

  return (
    <Dialog title={title} onCancel={onClose}>
      <form class="form" onSubmit={submit}>
        <ul class="ack-list">
          {alarms.slice(0, 6).map((alarm) => (
            <li key={alarm.id}>
              <SeverityBadge severity={alarm.severity} /> <strong>{alarm.elementName}</strong> {alarm.message}
            </li>
          ))}
          {alarms.length > 6 && <li class="muted">and {alarms.length - 6} more</li>}
        </ul>
        <label class="field">
          <span class="field-label">Comment</span>
          <textarea
            name="comment"
            rows={3}
            maxLength={2000}
            data-autofocus
            placeholder="What was done, who was told"
            value={comment}
            onInput={(event) => setComment(event.currentTarget.value)}
          />
        </label>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="dialog-buttons">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="button-primary" disabled={busy}>
            {busy ? 'Acknowledging…' : 'Acknowledge'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
