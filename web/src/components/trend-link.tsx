/** A small chart icon beside a trended value: opens its trend on the card's Trends tab. */
import { routeHash } from '../logic/route.js';
import { TRENDS_TAB, trendPath, type TrendTarget } from '../logic/trend-target.js';

export function trendHref(elementId: string, target: TrendTarget): string {
  return routeHash({ view: 'element', elementId, pageId: TRENDS_TAB, rest: trendPath(target) });
}

interface TrendLinkProps {
  elementId: string;
  target: TrendTarget;
  name: string;
  /** Inside a grid the row owns the keyboard, so the link stays out of the Tab order. */
  inGrid?: boolean;
}

export function TrendLink({ elementId, target, name, inGrid }: TrendLinkProps) {
  return (
    <a
      class="trend-link"
      href={trendHref(elementId, target)}
      aria-label={`Trend of ${name}`}
      title={`Trend of ${name}`}
      tabIndex={inGrid ? -1 : undefined}
      onMouseDown={(event) => inGrid && event.stopPropagation()}
    >
      <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
        <polyline points="1,12 5,7 9,10 15,3" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round" stroke-linecap="round" />
      </svg>
    </a>
  );
}
