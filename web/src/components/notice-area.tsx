/** Action outcomes and refusals, announced to screen readers as they arrive. */
import { dismissNotice, notices } from '../state/notices.js';
import { useObservable } from '../state/use-observable.js';

export function NoticeArea() {
  const list = useObservable(notices);
  return (
    <div class="notices" role="status" aria-live="polite">
      {list.map((notice) => (
        <div key={notice.id} class={`notice notice-${notice.tone}`} role={notice.tone === 'bad' ? 'alert' : undefined}>
          <div class="notice-body">
            <strong>{notice.title}</strong>
            <span class="notice-text">{notice.text}</span>
          </div>
          <button type="button" class="button-quiet" aria-label="Dismiss" onClick={() => dismissNotice(notice.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
