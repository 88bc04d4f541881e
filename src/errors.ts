/**
 * The central table of coded errors. Every refusal the API gives comes from here, so a
 * script can rely on `code` and a person can read `message`.
 */
export const ERRORS = {
  BAD_REQUEST: 400,
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  REFUSED: 422,
  TOO_MANY_REQUESTS: 429,
  DEVICE_ERROR: 502,
  ACTION_TIMEOUT: 504,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** An error the API reports as `{"error": {"code", "message", "field"}}`. */
export class TallyError extends Error {
  override readonly name = 'TallyError';
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    status?: number,
  ) {
    super(message);
    this.status = status ?? ERRORS[code];
  }

  toJSON(): { error: { code: string; message: string; field?: string } } {
    return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) } };
  }
}

export const notFound = (what: string, id: string, field?: string): TallyError =>
  new TallyError('NOT_FOUND', `no ${what} "${id}"`, field);
