/**
 * Hides secrets in what the stream viewer and the logs show: the element's secret parameter
 * values, strings a connector marks with `http.maskSecret`, query parameters and JSON fields
 * whose names look secret, and credential headers.
 */

export const MASK = '••••••';

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-user-token', 'cookie', 'set-cookie']);
const SECRET_NAME = /key|token|password|passwd|secret|auth|session/i;
const SECRET_JSON_FIELD = /("[^"]*(?:key|token|password|passwd|secret|session)[^"]*"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;
// Strings this short would mask half of every body; real secrets are longer.
const MIN_SECRET_LENGTH = 4;
// Tokens rotate; keep enough recent ones to cover every exchange the stream viewer
// still holds, without growing forever.
const MAX_RUNTIME_SECRETS = 128;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

export class SecretMasker {
  private paramSecrets: string[] = [];
  private readonly runtimeSecrets = new Set<string>();

  /** The element's secret parameter values (replaced on every configuration change). */
  setParamSecrets(values: Iterable<string>): void {
    // A replaced secret may still sit in recorded exchanges: keep masking it.
    for (const old of this.paramSecrets) this.addRuntimeSecret(old);
    this.paramSecrets = [...values].filter((value) => value.length >= MIN_SECRET_LENGTH);
  }

  /** Adds a secret learnt at run time; true when it was not known yet. */
  addRuntimeSecret(secret: string): boolean {
    if (secret.length < MIN_SECRET_LENGTH || this.runtimeSecrets.has(secret)) return false;
    this.runtimeSecrets.add(secret);
    if (this.runtimeSecrets.size > MAX_RUNTIME_SECRETS) {
      const oldest = this.runtimeSecrets.values().next().value as string;
      this.runtimeSecrets.delete(oldest);
    }
    return true;
  }

  /** Replaces every known secret value in free text. */
  maskText(text: string): string {
    let masked = text;
    for (const secret of this.paramSecrets) masked = replaceAll(masked, secret);
    for (const secret of this.runtimeSecrets) masked = replaceAll(masked, secret);
    return masked;
  }

  /** Known secrets, plus the values of JSON fields named like secrets. */
  maskBody(body: string): string {
    return this.maskText(body).replace(SECRET_JSON_FIELD, `$1"${MASK}"`);
  }

  /** Known secrets, plus the values of query parameters named like secrets. */
  maskUrl(url: string): string {
    const queryStart = url.indexOf('?');
    if (queryStart < 0) return this.maskText(url);
    const query = url
      .slice(queryStart + 1)
      .split('&')
      .map((pair) => {
        const equals = pair.indexOf('=');
        if (equals < 0) return pair;
        const name = safeDecode(pair.slice(0, equals));
        return isSecretName(name) ? `${pair.slice(0, equals)}=${MASK}` : pair;
      })
      .join('&');
    return this.maskText(`${url.slice(0, queryStart)}?${query}`);
  }

  maskHeaders(headers: Record<string, string>): Record<string, string> {
    const masked: Record<string, string> = {};
    for (const name in headers) {
      masked[name] = SECRET_HEADERS.has(name.toLowerCase()) ? MASK : this.maskText(headers[name]);
    }
    return masked;
  }
}

function replaceAll(text: string, secret: string): string {
  return text.includes(secret) ? text.split(secret).join(MASK) : text;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
