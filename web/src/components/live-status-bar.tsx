/** The live connection as the operator needs to know it: live, connecting, or lost and when it retries. */
import { useEffect, useState } from 'preact/hooks';
import { live, type LiveStatus } from '../api/live-socket.js';

export function LiveStatusBar() {
  const [status, setStatus] = useState<LiveStatus>(live.status);
  const [now, setNow] = useState(Date.now());
  useEffect(() => live.onStatus(setStatus), []);
  useEffect(() => {
    if (status.state !== 'lost') return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [status]);

  if (status.state === 'open') {
    return (
      <div class="live live-open" role="status" data-live="open">
        <span class="tone-dot" aria-hidden="true" />
        Live
      </div>
    );
  }
  if (status.state === 'connecting') {
    return (
      <div class="live live-connecting" role="status" data-live="connecting">
        <span class="tone-dot" aria-hidden="true" />
        Connecting…
      </div>
    );
  }
  const seconds = Math.max(0, Math.ceil((status.retryAt - now) / 1000));
  return (
    <div class="live live-lost" role="alert" data-live="lost">
      <span class="tone-dot" aria-hidden="true" />
      Live updates lost — values may be out of date. Retrying in {seconds} s
      <button type="button" class="button-quiet" onClick={() => live.retryNow()}>
        Retry now
      </button>
    </div>
  );
}
