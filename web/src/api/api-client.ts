/**
 * Every HTTP call the UI makes. The session cookie travels by itself; state-changing
 * requests carry the CSRF token the session handed out.
 */
import { ApiError } from './api-error.js';
import type {
  AlarmChange,
  AlarmInfo,
  AlarmTemplateInfo,
  ConnectorInfo,
  ElementView,
  OperatorState,
  ParamView,
  SessionInfo,
  StreamEntry,
  TableView,
  TrendSeries,
  TrendWindow,
  Value,
} from './types.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ActionResult {
  ok: boolean;
  message: string;
}

export interface TrendQuery {
  /** Row key, for a table column (`<tableId>.<columnId>`). */
  row?: string;
  from: number;
  to: number;
  window: TrendWindow;
}

export interface CreateElementBody {
  name: string;
  connector: string;
  connection: Record<string, unknown>;
  params: Record<string, Value>;
}

const enc = encodeURIComponent;

export class ApiClient {
  private csrfToken = '';
  /** Called when the server says the session is gone (401), so the UI shows sign-in. */
  onUnauthorized: () => void = () => {};

  constructor(private readonly base = '') {}

  async request<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    const response = await fetch(this.base + path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = null;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
    }
    if (!response.ok) {
      const error = ApiError.fromBody(response.status, parsed, `${method} ${path} answered ${response.status}`);
      if (response.status === 401 && path !== '/api/session') this.onUnauthorized();
      throw error;
    }
    return parsed as T;
  }

  async session(): Promise<SessionInfo> {
    const session = await this.request<SessionInfo>('GET', '/api/session');
    this.csrfToken = session.csrfToken;
    return session;
  }

  async signIn(credentials: { token: string } | { username: string; password: string }): Promise<SessionInfo> {
    await this.request('POST', '/api/session', credentials);
    return this.session();
  }

  async signOut(): Promise<void> {
    await this.request('DELETE', '/api/session');
    this.csrfToken = '';
  }

  async connectors(): Promise<ConnectorInfo[]> {
    return unwrapList(await this.request<unknown>('GET', '/api/connectors'), 'connectors');
  }

  async elements(): Promise<ElementView[]> {
    return unwrapList(await this.request<unknown>('GET', '/api/elements'), 'elements');
  }

  element(id: string): Promise<ElementView> {
    return this.request('GET', `/api/elements/${enc(id)}`);
  }

  createElement(body: CreateElementBody): Promise<ElementView> {
    return this.request('POST', '/api/elements', body);
  }

  setState(id: string, state: OperatorState): Promise<ElementView> {
    return this.request('POST', `/api/elements/${enc(id)}/state`, { state });
  }

  restart(id: string): Promise<ElementView> {
    return this.request('POST', `/api/elements/${enc(id)}/restart`, {});
  }

  async params(id: string): Promise<ParamView[]> {
    return unwrapList(await this.request<unknown>('GET', `/api/elements/${enc(id)}/params`), 'params');
  }

  setParam(id: string, paramId: string, value: Value): Promise<ParamView> {
    return this.request('PUT', `/api/elements/${enc(id)}/params/${enc(paramId)}`, { value });
  }

  table(id: string, tableId: string): Promise<TableView> {
    return this.request('GET', `/api/elements/${enc(id)}/tables/${enc(tableId)}`);
  }

  runAction(id: string, actionId: string, rows: string[], inputs: Record<string, Value>): Promise<ActionResult> {
    return this.request('POST', `/api/elements/${enc(id)}/actions/${enc(actionId)}`, { rows, inputs });
  }

  async stream(id: string): Promise<StreamEntry[]> {
    return unwrapList(await this.request<unknown>('GET', `/api/elements/${enc(id)}/stream`), 'entries');
  }

  /** Active alarms (of one element when given), or null when this Tally has no alarm engine (404). */
  async activeAlarms(elementId?: string): Promise<AlarmInfo[] | null> {
    try {
      const query = elementId === undefined ? '' : `&element=${enc(elementId)}`;
      const body = await this.request<{ alarms?: AlarmInfo[] }>('GET', `/api/alarms?state=active${query}`);
      return body.alarms ?? [];
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  }
  /** Active alarms, or with `all` the history too (newest first, at most 1000). */
  async alarms(state: 'active' | 'all'): Promise<AlarmInfo[]> {
    return unwrapList(await this.request<unknown>('GET', `/api/alarms?state=${state}`), 'alarms');
  }

  async alarmHistory(alarmId: number): Promise<AlarmChange[]> {
    return unwrapList(await this.request<unknown>('GET', `/api/alarms/${alarmId}/history`), 'changes');
  }

  acknowledgeAlarm(alarmId: number, comment: string): Promise<AlarmInfo> {
    return this.request('POST', `/api/alarms/${alarmId}/ack`, comment.trim() ? { comment: comment.trim() } : {});
  }

  alarmTemplate(id: string): Promise<AlarmTemplateInfo> {
    return this.request('GET', `/api/elements/${enc(id)}/alarm-template`);
  }

  setAlarmTemplate(id: string, rules: unknown[]): Promise<AlarmTemplateInfo> {
    return this.request('PUT', `/api/elements/${enc(id)}/alarm-template`, { rules });
  }

  resetAlarmTemplate(id: string): Promise<AlarmTemplateInfo> {
    return this.request('DELETE', `/api/elements/${enc(id)}/alarm-template`);
  }

  /** Trended parameter ids, and `<tableId>.<columnId>` for trended columns. */
  async trended(id: string): Promise<string[]> {
    return unwrapList(await this.request<unknown>('GET', `/api/elements/${enc(id)}/trends`), 'trended');
  }

  trend(id: string, paramId: string, query: TrendQuery): Promise<TrendSeries> {
    const search = new URLSearchParams({ from: String(query.from), to: String(query.to), window: query.window });
    if (query.row !== undefined) search.set('row', query.row);
    return this.request('GET', `/api/elements/${enc(id)}/trends/${enc(paramId)}?${search}`);
  }
}

/** Lists come bare or wrapped (`{"elements": […]}`); accept both so the UI does not guess wrong. */
export function unwrapList<T>(body: unknown, key: string): T[] {
  if (Array.isArray(body)) return body as T[];
  const wrapped = (body as Record<string, unknown> | null)?.[key];
  return Array.isArray(wrapped) ? (wrapped as T[]) : [];
}

export const api = new ApiClient();
