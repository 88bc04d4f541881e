/** Who is signed in: `undefined` while asking, `null` when nobody is. */
import { api } from '../api/api-client.js';
import type { SessionInfo } from '../api/types.js';
import { Observable } from './observable.js';

export const session = new Observable<SessionInfo | null | undefined>(undefined);

export async function loadSession(): Promise<void> {
  try {
    session.set(await api.session());
  } catch {
    session.set(null);
  }
}

api.onUnauthorized = () => session.set(null);
