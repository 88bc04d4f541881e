import { useEffect } from 'preact/hooks';

/** Names the browser tab after the view, so an operator with many tabs finds the element. */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} — Tally` : 'Tally';
  }, [title]);
}
