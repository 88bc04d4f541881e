/**
 * Where the operator is, kept in the URL hash so a screen can be bookmarked and reloaded
 * and Tally needs no server-side routes for the UI.
 */
export type Route =
  | { view: 'elements' }
  | { view: 'new-element' }
  /** `rest` is what a card tab keeps in the route after its id (e.g. the trend shown). */
  | { view: 'element'; elementId: string; pageId?: string; rest?: string[] }
  | { view: 'other'; path: string[] };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (path.length === 0 || (path[0] === 'elements' && path.length === 1)) return { view: 'elements' };
  if (path[0] === 'elements' && path[1] === 'new' && path.length === 2) return { view: 'new-element' };
  if (path[0] === 'elements') {
    return { view: 'element', elementId: path[1], ...(path[2] ? { pageId: path[2] } : {}), ...(path.length > 3 ? { rest: path.slice(3) } : {}) };
  }
  return { view: 'other', path };
}

export function routeHash(route: Route): string {
  switch (route.view) {
    case 'elements':
      return '#/elements';
    case 'new-element':
      return '#/elements/new';
    case 'element':
      return ['#', 'elements', route.elementId, ...(route.pageId ? [route.pageId, ...(route.rest ?? [])] : [])]
        .map((part, index) => (index === 0 ? part : encodeURIComponent(part)))
        .join('/');
    case 'other':
      return '#/' + route.path.map(encodeURIComponent).join('/');
  }
}
