/** The installed connectors, loaded once per sign-in (they change only when Tally restarts). */
import { api } from '../api/api-client.js';
import type { ConnectorInfo } from '../api/types.js';
import { Observable } from './observable.js';

export const connectors = new Observable<Map<string, ConnectorInfo> | null>(null);
let loading: Promise<Map<string, ConnectorInfo>> | null = null;

export function loadConnectors(): Promise<Map<string, ConnectorInfo>> {
  loading ??= api
    .connectors()
    .then((list) => {
      const byId = new Map(list.map((connector) => [connector.id, connector]));
      connectors.set(byId);
      return byId;
    })
    .catch((error: unknown) => {
      loading = null;
      throw error;
    });
  return loading;
}
