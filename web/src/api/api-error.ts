/** A refusal from the API, as `{"error": {"code", "message", "field"}}` says it. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The request field at fault, e.g. `host`, `connection.port`, `params.apiKey`. */
    readonly field?: string,
  ) {
    super(message);
  }

  /** Builds the error from a response body, whatever shape it turned out to have. */
  static fromBody(status: number, body: unknown, fallback: string): ApiError {
    const error = (body as { error?: { code?: unknown; message?: unknown; field?: unknown } } | null)?.error;
    if (error && typeof error === 'object') {
      return new ApiError(
        status,
        typeof error.code === 'string' ? error.code : 'HTTP_' + status,
        typeof error.message === 'string' ? error.message : fallback,
        typeof error.field === 'string' ? error.field : undefined,
      );
    }
    return new ApiError(status, 'HTTP_' + status, fallback);
  }
}

/** Words for an operator; network failures are not ApiErrors. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return 'Tally did not answer (network error). Check the connection and try again.';
  return error instanceof Error ? error.message : String(error);
}
