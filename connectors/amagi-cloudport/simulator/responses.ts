/** What a simulated service answers: plain data, so one process can host many models without node:http. */
export interface SimResponse {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
  /** Answer only after this many milliseconds (injected latency). */
  delayMs?: number;
  /** Never answer (an injected hang); the adapter keeps the connection open until it closes. */
  hang?: boolean;
}

/** A request as the model sees it: header names lower-case, query already split. */
export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  body: string;
}

export const json = (status: number, value: unknown): SimResponse => ({
  status,
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify(value),
});

/** The service's error shape: `{"error": "…"}`. */
export const error = (status: number, message: string): SimResponse => json(status, { error: message });

export const text = (status: number, body: string, contentType = 'text/plain; charset=utf-8'): SimResponse => ({
  status,
  contentType,
  body,
});

/** Parses a JSON request body; `undefined` when it is empty or not JSON. */
export function parseBody(body: string): Record<string, unknown> | undefined {
  if (body.trim() === '') return undefined;
  try {
    const value: unknown = JSON.parse(body);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Times as the service writes them: ISO 8601, whole seconds, UTC. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
