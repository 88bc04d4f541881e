/** The application shell: sign-in gate, navigation, live-connection status and notices. */
import { useEffect, useState } from 'preact/hooks';
import { api } from './api/api-client.js';
import { describeError } from './api/api-error.js';
import { live } from './api/live-socket.js';
import type { SessionInfo } from './api/types.js';
import { LiveStatusBar } from './components/live-status-bar.js';
import { NoticeArea } from './components/notice-area.js';
import { hasRole } from './logic/roles.js';
import { parseRoute, type Route } from './logic/route.js';
import { loadSession, session } from './state/session-state.js';
import { useObservable } from './state/use-observable.js';
import { ElementBrowserView } from './views/element-browser-view.js';
import { ElementCardView } from './views/element-card-view.js';
import { NAV_ENTRIES } from './views/nav-entries.js';
import { NewElementView } from './views/new-element-view.js';
import { SignInView } from './views/sign-in-view.js';

export function App() {
  const current = useObservable(session);
  useEffect(() => {
    void loadSession();
  }, []);
  if (current === undefined) return <div class="splash" aria-busy="true">Tally</div>;
  if (current === null) return <SignInView />;
  return <Shell user={current} />;
}

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

function Shell({ user }: { user: SessionInfo }) {
  const route = useRoute();
  useEffect(() => {
    live.start();
    return () => live.stop();
  }, []);

  const signOut = async () => {
    try {
      await api.signOut();
    } catch (error) {
      console.warn('sign-out', describeError(error));
    }
    session.set(null);
  };

  const entries = NAV_ENTRIES.filter((entry) => hasRole(user.role, entry.minRole));
  const section = route.view === 'other' ? route.path[0] : 'elements';

  return (
    <div class="shell">
      <header class="topbar">
        <a class="brand" href="#/elements">
          Tally
        </a>
        <nav class="nav" aria-label="Main">
          <a href="#/elements" aria-current={section === 'elements' ? 'page' : undefined}>
            Elements
          </a>
          {entries.map((entry) => (
            <a key={entry.segment} href={`#/${entry.segment}`} aria-current={section === entry.segment ? 'page' : undefined}>
              {entry.label}
            </a>
          ))}
        </nav>
        <LiveStatusBar />
        <div class="user">
          <span class="user-name">{user.username}</span>
          <span class="user-role">{user.role}</span>
          <button type="button" class="button-quiet" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main class="content" id="main">
        <RouteView route={route} user={user} />
      </main>
      <NoticeArea />
    </div>
  );
}

function RouteView({ route, user }: { route: Route; user: SessionInfo }) {
  switch (route.view) {
    case 'elements':
      return <ElementBrowserView user={user} />;
    case 'new-element':
      return <NewElementView />;
    case 'element':
      return <ElementCardView key={route.elementId} elementId={route.elementId} pageId={route.pageId} rest={route.rest} user={user} />;
    case 'other': {
      const entry = NAV_ENTRIES.find((candidate) => candidate.segment === route.path[0]);
      if (entry && hasRole(user.role, entry.minRole)) return <>{entry.render(route.path.slice(1), user)}</>;
      return (
        <section class="panel empty-state">
          <h1>Nothing here</h1>
          <p>
            This address does not lead to a Tally view. <a href="#/elements">Back to the elements</a>.
          </p>
        </section>
      );
    }
  }
}
