/** The element's recent requests and responses as the device saw them (secrets masked by Tally). */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/api-client.js';
import { describeError } from '../api/api-error.js';
import type { StreamEntry } from '../api/types.js';
import { formatDuration, formatTimestamp } from '../logic/format.js';

const REFRESH_MS = 3000;

export function StreamViewer({ elementId }: { elementId: string }) {
  const [entries, setEntries] = useState<StreamEntry[] | null>(null);
  const [error, setError] = useState('');
  const [follow, setFollow] = useState(true);

  const load = async () => {
    try {
      setEntries(await api.stream(elementId));
      setError('');
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  useEffect(() => {
    void load();
    if (!follow) return;
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [elementId, follow]);

  const newestFirst = entries ? withStableKeys([...entries].sort((a, b) => b.time - a.time)) : [];
  return (
    <section class="panel stream" aria-label="Stream viewer">
      <div class="panel-head">
        <h2>Stream viewer</h2>
        <span class="count">{entries ? `${entries.length} exchanges` : 'Loading…'}</span>
        <div class="toolbar">
          <label class="check">
            <input type="checkbox" checked={follow} onChange={(event) => setFollow(event.currentTarget.checked)} />
            Follow
          </label>
          <button type="button" onClick={() => void load()}>
            Refresh
          </button>
        </div>
      </div>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {entries?.length === 0 && <p class="muted">No requests yet.</p>}
      <ol class="stream-list">
        {newestFirst.map(({ key, entry }) => (
          <li key={key}>
            <details>
              <summary class="stream-summary">
                <span class="stream-time">{formatTimestamp(entry.time)}</span>
                <span class="stream-method">{entry.method}</span>
                <span class="stream-url">{entry.url}</span>
                <span class={`stream-status tone-${entry.error ? 'bad' : statusTone(entry.status)}`}>{entry.error ?? entry.statusLine}</span>
                <span class="stream-duration">{formatDuration(entry.durationMs)}</span>
              </summary>
              <div class="stream-detail">
                <Exchange title="Request" headers={entry.requestHeaders} body={entry.requestBody} />
                <Exchange title="Response" headers={entry.responseHeaders} body={entry.responseBody} />
              </div>
            </details>
          </li>
        ))}
      </ol>
    </section>
  );
}

function statusTone(status: number | null): string {
  if (status === null) return 'bad';
  if (status >= 500) return 'bad';
  if (status >= 400) return 'warn';
  return 'good';
}

function Exchange({ title, headers, body }: { title: string; headers: Record<string, string>; body: string | null }) {
  return (
    <div class="exchange">
      <h3>{title}</h3>
      <pre class="headers">{Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join('\n') || '(no headers)'}</pre>
      {body && <pre class="body">{prettyBody(body)}</pre>}
    </div>
  );
}

/** Keys that survive a refresh, so an exchange the operator opened stays open. */
function withStableKeys(entries: StreamEntry[]): { key: string; entry: StreamEntry }[] {
  const seen = new Map<string, number>();
  return entries.map((entry) => {
    const base = `${entry.time} ${entry.method} ${entry.url}`;
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    return { key: `${base} ${count}`, entry };
  });
}

/** JSON indented for reading; anything else (or a truncated body) as it came. */
function prettyBody(body: string): string {
  const trimmed = body.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return body;
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
