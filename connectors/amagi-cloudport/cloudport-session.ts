/**
 * Authenticated requests to CLOUDPORT: signs in with the element's username and password,
 * keeps the token in the element's scratch memory, sends it as `x-user-token`, and on a 401
 * signs in again once and retries the request once. A rejected sign-in is a configuration
 * problem ({@link ConfigError}): the element stops asking until the credentials change.
 */
import { ConfigError, DeviceHttpError, type ElementContext, type HttpResponse, type RequestOptions } from '../../src/sdk/index.js';
import { errorMessage, parseSignIn, PATHS, signInBody, TOKEN_HEADER } from './cloudport-api.js';

const TOKEN_KEY = 'cloudport.token';

/** Sign-in answers that no retry will change: wrong credentials, a locked or invalid account. */
const SIGN_IN_REFUSALS = new Set([401, 403, 422]);

const isSuccess = (status: number): boolean => status >= 200 && status < 300;

/** Sends one request with the token; `options.accept` says which statuses besides 401 are answers. */
export async function cloudportRequest(ctx: ElementContext, path: string, options: RequestOptions = {}): Promise<HttpResponse> {
  const cached = ctx.scratch.get(TOKEN_KEY);
  const token = typeof cached === 'string' ? cached : await signIn(ctx);
  const first = await send(ctx, path, options, token);
  if (first.status !== 401) return first;
  const retried = await send(ctx, path, options, await signIn(ctx));
  if (retried.status === 401) throw new DeviceHttpError(retried.status, retried.statusLine, retried.text);
  return retried;
}

/** Forgets the token, e.g. when the credentials change. */
export function forgetToken(ctx: ElementContext): void {
  ctx.scratch.delete(TOKEN_KEY);
}

/** The names of the credentials that are not set. */
export function missingCredentials(ctx: ElementContext): string[] {
  return [
    ['username', 'Username'],
    ['password', 'Password'],
  ]
    .filter(([id]) => typeof ctx.param(id) !== 'string' || ctx.param(id) === '')
    .map(([, name]) => name);
}

async function signIn(ctx: ElementContext): Promise<string> {
  forgetToken(ctx);
  const missing = missingCredentials(ctx);
  if (missing.length > 0) throw new ConfigError(`${missing.join(' and ')} not set`);
  const response = await reporting(ctx, () =>
    ctx.http.post(PATHS.signIn, signInBody(String(ctx.param('username')), String(ctx.param('password'))), { accept: (status) => isSuccess(status) || SIGN_IN_REFUSALS.has(status) }),
  );
  if (!isSuccess(response.status)) {
    throw new ConfigError(`sign-in rejected: ${errorMessage(response.text) ?? response.statusLine}`);
  }
  const token = parseSignIn(response.json());
  ctx.http.maskSecret(token);
  ctx.scratch.set(TOKEN_KEY, token);
  return token;
}

function send(ctx: ElementContext, path: string, options: RequestOptions, token: string): Promise<HttpResponse> {
  const accept = options.accept ?? isSuccess;
  // Object.assign, not `{ ...options, more }`: with options given (a POST), V8 gives every object made that way a hidden class of its own.
  const headers = Object.assign({}, options.headers, { [TOKEN_HEADER]: token });
  return reporting(ctx, () =>
    ctx.http.request(path, Object.assign({}, options, { headers, accept: (status: number) => status === 401 || accept(status) })),
  );
}

/** Runs a request and shows its status line (or network error) in HTTP Request Status, whatever happens. */
async function reporting(ctx: ElementContext, request: () => Promise<HttpResponse>): Promise<HttpResponse> {
  try {
    return await request();
  } finally {
    ctx.setParams({ httpRequestStatus: ctx.http.lastStatus });
  }
}
