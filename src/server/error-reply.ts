/**
 * Every failure becomes `{"error": {"code", "message", "field"}}` with the right status.
 * Bad input is always a 4xx naming the field; anything unexpected is logged here and
 * answered as a bare 500, never with a stack trace or internal detail.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ActionRefusedError, DeviceHttpError, DeviceProtocolError } from '../sdk/index.js';
import { TallyError, type ErrorCode } from '../errors.js';
import { describeValidation } from './validation-message.js';

const CLIENT_ERROR_CODES: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  422: 'REFUSED',
  429: 'TOO_MANY_REQUESTS',
};

const FRIENDLY_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'the request body is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'the request body is empty but says it is JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'the request body is too large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'send the request body as application/json',
  FST_ERR_BAD_URL: 'the URL is not valid: check its percent-encoding',
  FST_ERR_MAX_PARAM_LENGTH: 'a part of the URL path is too long',
};

/** A 429 that tells the client when to try again. */
export class RetryLaterError extends TallyError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('TOO_MANY_REQUESTS', message);
  }
}

/** The coded error a failure is answered with; unexpected failures become INTERNAL. */
export function toTallyError(error: unknown): TallyError {
  if (error instanceof TallyError) return error;
  if (error instanceof ActionRefusedError) {
    const code: ErrorCode = error.status === 404 ? 'NOT_FOUND' : error.status === 409 ? 'CONFLICT' : 'REFUSED';
    return new TallyError(code, error.message, error.field);
  }
  if (error instanceof DeviceHttpError || error instanceof DeviceProtocolError) {
    return new TallyError('DEVICE_ERROR', `the device refused: ${error.message}`);
  }
  const fastifyError = error as Partial<FastifyError> | null;
  if (fastifyError?.validation) {
    const problem = describeValidation(fastifyError.validation, fastifyError.validationContext);
    return new TallyError('VALIDATION', problem.message, problem.field);
  }
  const status = fastifyError?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message = FRIENDLY_MESSAGES[fastifyError?.code ?? ''] ?? fastifyError?.message ?? 'bad request';
    return new TallyError(CLIENT_ERROR_CODES[status] ?? 'BAD_REQUEST', message, undefined, status);
  }
  return new TallyError('INTERNAL', 'internal error: the problem was logged on the server');
}

/** Installs the error handler on the root instance (route plugins inherit it). */
export function installErrorReplies(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => replyWithError(error, request, reply));
}

/**
 * Answers a failure as a coded JSON error. Also Fastify's `frameworkErrors` handler: errors
 * found before routing (a badly encoded URL, an over-long path segment) get the same shape.
 */
export function replyWithError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const tallyError = toTallyError(error);
  if (tallyError.status >= 500 && tallyError.code === 'INTERNAL') {
    request.log.error({ err: error }, 'request failed unexpectedly');
  }
  if (tallyError instanceof RetryLaterError) reply.header('retry-after', String(tallyError.retryAfterSeconds));
  if (tallyError.status === 401) reply.header('www-authenticate', 'Bearer');
  return reply.code(tallyError.status).type('application/json; charset=utf-8').send(tallyError.toJSON());
}

/** The answer for a path no route serves. */
export function notFoundReply(method: string, url: string): TallyError {
  const path = url.split('?')[0] ?? url;
  return new TallyError('NOT_FOUND', `no route ${method} ${path}`);
}
