/**
 * An {@link ElementContext} for the connector's unit tests: parameters, tables and scratch
 * in memory, and an HTTP session that asks a `responder` (recorded fixtures or the
 * simulator's model, in-process) instead of the network.
 */
import {
  DeviceHttpError,
  DeviceProtocolError,
  type ConnectorDefinition,
  type ElementContext,
  type HttpResponse,
  type HttpSession,
  type RequestOptions,
  type Row,
  type Value,
} from '../../../src/sdk/index.js';
import { ReportedAnswers } from '../../../src/runtime/reported-answers.js';

export interface FakeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
}

export interface FakeAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type Responder = (request: FakeRequest) => FakeAnswer;

const REASONS: Record<number, string> = { 200: 'OK', 202: 'Accepted', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 422: 'Unprocessable Entity', 500: 'Internal Server Error', 503: 'Service Unavailable' };

class FakeHttp implements HttpSession {
  readonly baseUrl = 'https://acme.cloudport.amagi.tv:443';
  readonly requests: FakeRequest[] = [];
  readonly masked: string[] = [];
  lastStatus: string | null = null;

  constructor(public responder: Responder) {}

  async request(path: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const query = Object.fromEntries(Object.entries(options.query ?? {}).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, String(v)]));
    const request: FakeRequest = { method: options.method ?? 'GET', path, query, headers: options.headers ?? {}, body: options.body };
    this.requests.push(request);
    const answer = this.responder(request);
    const statusLine = `${answer.status} ${REASONS[answer.status] ?? ''}`.trim();
    const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    this.lastStatus = statusLine;
    const accept = options.accept ?? ((status: number) => status >= 200 && status < 300);
    if (!accept(answer.status)) throw new DeviceHttpError(answer.status, statusLine, text);
    return {
      status: answer.status,
      statusLine,
      headers: answer.headers ?? {},
      body: Buffer.from(text),
      text,
      json<T>(): T {
        try {
          return JSON.parse(text) as T;
        } catch {
          throw new DeviceProtocolError('the device sent invalid JSON');
        }
      },
    };
  }

  get(path: string, options: Omit<RequestOptions, 'method'> = {}): Promise<HttpResponse> {
    return this.request(path, { ...options, method: 'GET' });
  }

  post(path: string, body?: unknown, options: Omit<RequestOptions, 'method' | 'body'> = {}): Promise<HttpResponse> {
    return this.request(path, { ...options, method: 'POST', body });
  }

  maskSecret(secret: string): void {
    this.masked.push(secret);
  }
}

export class FakeContext implements ElementContext {
  readonly element = { id: 'e1', name: 'Acme', baseUrl: 'https://acme.cloudport.amagi.tv:443', host: 'acme.cloudport.amagi.tv', port: 443 };
  readonly http: FakeHttp;
  readonly log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  readonly scratch = new Map<string, unknown>();
  readonly polledNow: string[] = [];
  readonly params = new Map<string, Value>();
  readonly tables = new Map<string, Row[]>();
  now = Date.parse('2026-03-09T11:00:00Z');
  readonly clock = { now: () => this.now };
  private readonly reportedAnswers = new ReportedAnswers();

  constructor(definition: ConnectorDefinition, responder: Responder, params: Record<string, Value> = {}) {
    this.http = new FakeHttp(responder);
    for (const param of definition.params) this.params.set(param.id, param.default ?? null);
    for (const [id, value] of Object.entries(params)) this.params.set(id, value);
  }

  param(id: string): Value {
    return this.params.get(id) ?? null;
  }

  rows(tableId: string): Row[] {
    return this.tables.get(tableId) ?? [];
  }

  row(tableId: string, key: string): Row | undefined {
    return this.rows(tableId).find((row) => row.key === key);
  }

  setParams(values: Record<string, Value>): void {
    for (const [id, value] of Object.entries(values)) this.params.set(id, value);
  }

  fillTable(tableId: string, rows: Row[]): void {
    this.tables.set(tableId, rows);
  }

  upsertRows(tableId: string, rows: Row[]): void {
    const byKey = new Map(this.rows(tableId).map((row) => [row.key, row]));
    for (const row of rows) byKey.set(row.key, row);
    this.tables.set(tableId, [...byKey.values()]);
  }

  patchRows(tableId: string, patches: Row[]): void {
    const rows = this.rows(tableId);
    const patched = patches.flatMap((patch) => {
      const row = rows.find((candidate) => candidate.key === patch.key);
      return row ? [{ key: row.key, cells: { ...row.cells, ...patch.cells } }] : [];
    });
    this.upsertRows(tableId, patched);
  }

  pollNow(groupId: string): void {
    this.polledNow.push(groupId);
  }

  reportIfChanged(key: string, answer: HttpResponse | string, report: () => void): void {
    this.reportedAnswers.reportIfChanged(key, answer, report);
  }
}
