/**
 * GET /api/live: the WebSocket of live changes, authenticated like the API, its credentials
 * checked again at every heartbeat. Browsers send the session cookie on WebSocket upgrades
 * without CORS checks, so a cookie-authenticated upgrade must come from Tally's own origin.
 *
 * The client sends `{"subscribe": {...}}` or `{"unsubscribe": {...}}` naming either or both of
 * `"elements": ["id", …] | "*"` (every change of those elements) and `"overview": true` (for
 * every element only `element`, `element-removed` and `alarm` changes, what overview screens
 * show); each is answered `{"type": "subscribed", "elements": "*" | [ids], "overview": boolean}`.
 */
import { TallyError } from '../../errors.js';
import { credentialsStillValid } from '../access-control.js';
import type { LiveHub } from '../live/live-hub.js';
import { actorOf } from '../request-actor.js';
import type { ServerDeps, TallyApp } from '../server-types.js';

export function registerLiveRoutes(app: TallyApp, hub: LiveHub, deps: ServerDeps): void {
  app.route({
    method: 'GET',
    url: '/api/live',
    config: { minRole: 'viewer' },
    schema: { hide: true },
    preValidation: async (request) => {
      const origin = request.headers.origin;
      if (request.session && origin !== undefined && hostOf(origin) !== request.host) {
        throw new TallyError('FORBIDDEN', 'a WebSocket signed in with the session cookie must come from the Tally UI');
      }
    },
    handler: async () => {
      throw new TallyError('BAD_REQUEST', 'GET /api/live is a WebSocket: connect with Upgrade: websocket', undefined, 426);
    },
    wsHandler: (socket, request) => {
      hub.attach(socket, actorOf(request), credentialsStillValid(request, deps));
    },
  });
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}
