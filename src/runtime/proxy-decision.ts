/**
 * Whether a device request goes through the system proxy: HTTPS_PROXY / HTTP_PROXY (either
 * case) unless the element's device address is `ByPassProxy` or NO_PROXY names the host.
 * A pure function so the rule is testable without a proxy.
 */

export const BYPASS_PROXY = 'ByPassProxy';

type Env = Record<string, string | undefined>;

/** The proxy URL to use for `target`, or null to connect directly. */
export function proxyFor(target: URL, deviceAddress: string, env: Env = process.env): string | null {
  if (deviceAddress === BYPASS_PROXY) return null;
  const https = target.protocol === 'https:';
  const proxy = https
    ? env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy
    : env.HTTP_PROXY || env.http_proxy;
  if (!proxy) return null;
  const noProxy = env.NO_PROXY ?? env.no_proxy ?? '';
  return excluded(target, noProxy, https) ? null : proxy;
}

function excluded(target: URL, noProxy: string, https: boolean): boolean {
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (https ? '443' : '80');
  for (const raw of noProxy.split(/[\s,]+/)) {
    if (!raw) continue;
    if (raw === '*') return true;
    const { name, entryPort } = splitEntry(raw.toLowerCase());
    if (entryPort && entryPort !== port) continue;
    const suffix = name.replace(/^\*?\./, '');
    if (host === suffix || host.endsWith(`.${suffix}`)) return true;
  }
  return false;
}

function splitEntry(entry: string): { name: string; entryPort: string | null } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { name: bracketed[1], entryPort: bracketed[2] ?? null };
  const colon = entry.lastIndexOf(':');
  // Only one colon: host:port. More than one: a bare IPv6 address.
  if (colon > 0 && entry.indexOf(':') === colon && /^\d+$/.test(entry.slice(colon + 1))) {
    return { name: entry.slice(0, colon), entryPort: entry.slice(colon + 1) };
  }
  return { name: entry, entryPort: null };
}
