/**
 * The element card's Trends tab: every trended parameter and cell, and the chart of the one
 * chosen (kept in the route, so a trend link on a page leads straight to its chart).
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/api-client.js';
import { ApiError, describeError } from '../api/api-error.js';
import { trendHref } from '../components/trend-link.js';
import { TrendChart } from '../components/trend-chart.js';
import { formatValue } from '../logic/format.js';
import { trendGroups, type TrendEntry } from '../logic/trend-entries.js';
import { TREND_RANGES, trendRange } from '../logic/trend-range.js';
import { parseTrendPath, sameTarget, trendColumn } from '../logic/trend-target.js';
import type { CardTabContext } from './card-tabs.js';

export function TrendsTab({ element, connector, card, path }: CardTabContext) {
  const [trended, setTrended] = useState<string[] | null>(null);
  const [error, setError] = useState('');
  const [rangeId, setRangeId] = useState(TREND_RANGES[0].id);

  useEffect(() => {
    api.trended(element.id).then(setTrended, (failure: unknown) =>
      setError(failure instanceof ApiError && failure.status === 404 ? 'This Tally keeps no trends.' : describeError(failure)),
    );
  }, [element.id]);

  const tables = [...card.tables.values()].map((table) => ({ ...table.meta, rows: [...table.rows.values()] }));
  const groups = trended ? trendGroups(trended, connector?.params ?? [], tables) : [];
  const entries = groups.flatMap((group) => group.entries);
  const chosen = parseTrendPath(path);
  const entry: TrendEntry | undefined = entries.find((candidate) => sameTarget(candidate.target, chosen)) ?? (chosen ? undefined : entries[0]);
  const range = trendRange(rangeId);

  const current = (candidate: TrendEntry): string => {
    const column = trendColumn(candidate.target.paramId);
    if (!column) return card.params.get(candidate.target.paramId)?.display ?? '';
    const table = card.tables.get(column.tableId);
    const shape = table?.meta.columns.find((c) => c.id === column.columnId);
    const value = table?.rows.get(candidate.target.row ?? '')?.cells[column.columnId] ?? null;
    return shape ? formatValue(shape, value) : '';
  };

  if (error) {
    return (
      <p class="form-error" role="alert">
        {error}
      </p>
    );
  }
  if (!trended) return <p class="muted" aria-busy="true">Loading trends…</p>;
  if (entries.length === 0) return <p class="panel empty-state muted">{element.name} has no trended values.</p>;

  return (
    <div class="trends">
      <nav class="panel trend-list" aria-label="Trended values">
        {groups.map((group) => (
          <section key={group.title}>
            <h3>{group.title}</h3>
            <ul>
              {group.entries.map((candidate) => {
                const value = current(candidate);
                const active = entry && sameTarget(candidate.target, entry.target);
                return (
                  <li key={candidate.name + candidate.target.paramId}>
                    <a href={trendHref(element.id, candidate.target)} aria-current={active ? 'true' : undefined}>
                      <span class="trend-name">{candidate.name}</span>
                      <span class="trend-value">{value && `${value}${candidate.unit ? ' ' + candidate.unit : ''}`}</span>
                    </a>
                  </li>
                );
              })}
              {group.entries.length === 0 && <li class="muted">No rows.</li>}
            </ul>
          </section>
        ))}
      </nav>
      <section class="panel trend-panel" aria-label="Trend chart">
        <div class="panel-head">
          <h2>{entry ? entry.name : 'Not trended'}</h2>
          {entry?.unit && <span class="unit">{entry.unit}</span>}
          <div class="toolbar segmented" role="group" aria-label="Time range">
            {TREND_RANGES.map((choice) => (
              <button key={choice.id} type="button" class={choice.id === range.id ? 'on' : ''} aria-pressed={choice.id === range.id ? 'true' : 'false'} onClick={() => setRangeId(choice.id)}>
                {choice.label}
              </button>
            ))}
          </div>
        </div>
        {entry ? (
          <TrendChart
            key={entry.target.paramId + '\u0000' + (entry.target.row ?? '')}
            elementId={element.id}
            target={entry.target}
            range={range}
            label={entry.name}
            unit={entry.unit}
            decimals={entry.decimals}
          />
        ) : (
          <p class="empty-state muted">This value is not trended (or its row is gone). Choose one from the list.</p>
        )}
      </section>
    </div>
  );
}
