/** One alarm and the steps of its life: raised, severity changes, acknowledgements, cleared. */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/api-client.js';
import { describeError } from '../api/api-error.js';
import type { AlarmChange, AlarmInfo } from '../api/types.js';
import { formatTimestamp } from '../logic/format.js';
import { routeHash } from '../logic/route.js';
import { SeverityBadge } from './badges.js';
import { Dialog } from './dialog.js';

const CHANGE_WORDS: Record<string, string> = {
  raised: 'Raised',
  severity: 'Severity changed',
  acknowledged: 'Acknowledged',
  cleared: 'Cleared',
  value: 'Value changed',
};

interface AlarmDetailDialogProps {
  alarm: AlarmInfo;
  /** What the alarm is about, named as the console names it. */
  subject: string;
  onClose: () => void;
}

export function AlarmDetailDialog({ alarm, subject, onClose }: AlarmDetailDialogProps) {
  const [changes, setChanges] = useState<AlarmChange[] | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    api.alarmHistory(alarm.id).then(setChanges, (failure: unknown) => setError(describeError(failure)));
    // The alarm's updatedAt moves with each step, so a live change reloads its history.
  }, [alarm.id, alarm.updatedAt]);

  return (
    <Dialog title={`Alarm ${alarm.id}: ${alarm.elementName}`} onCancel={onClose}>
      <dl class="alarm-facts">
        <dt>Severity</dt>
        <dd>
          <SeverityBadge severity={alarm.severity} /> {alarm.clearedAt !== null && <span class="muted">cleared</span>}
        </dd>
        <dt>Element</dt>
        <dd>
          <a href={routeHash({ view: 'element', elementId: alarm.elementId })}>{alarm.elementName}</a>
        </dd>
        <dt>Subject</dt>
        <dd>{subject}</dd>
        <dt>Message</dt>
        <dd>{alarm.message}</dd>
        <dt>Raised</dt>
        <dd>{formatTimestamp(alarm.raisedAt)}</dd>
        {alarm.clearedAt !== null && (
          <>
            <dt>Cleared</dt>
            <dd>{formatTimestamp(alarm.clearedAt)}</dd>
          </>
        )}
        {alarm.acknowledged && (
          <>
            <dt>Acknowledged</dt>
            <dd>
              {alarm.ackUser ?? 'someone'}
              {alarm.ackAt !== null && ` at ${formatTimestamp(alarm.ackAt)}`}
              {alarm.ackComment && <q class="ack-comment">{alarm.ackComment}</q>}
            </dd>
          </>
        )}
      </dl>
      <h3>Lifecycle</h3>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {changes === null && !error ? (
        <p class="muted" aria-busy="true">
          Loading…
        </p>
      ) : (
        <ol class="alarm-changes" aria-label="Alarm lifecycle">
          {(changes ?? []).map((change, index) => (
            <li key={index} data-change={change.change}>
              <span class="alarm-change-time">{formatTimestamp(change.time)}</span>
              <span class="alarm-change-word">{CHANGE_WORDS[change.change] ?? change.change}</span>
              <SeverityBadge severity={change.severity} />
              <span class="alarm-change-text">
                {change.change === 'acknowledged' ? (
                  <>
                    by {change.user ?? 'someone'}
                    {change.comment && <q class="ack-comment">{change.comment}</q>}
                  </>
                ) : (
                  change.message
                )}
              </span>
            </li>
          ))}
        </ol>
      )}
      <div class="dialog-buttons">
        <button type="button" data-autofocus onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
