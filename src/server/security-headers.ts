/**
 * Headers that keep the UI from being framed, sniffed or fed foreign scripts. Set on every
 * response (errors included), since any of them can be rendered by a browser. The one
 * opening, `frame-src http: https:`, lets the Web Interface page frame a device's own UI
 * (any device address); Tally itself still refuses to be framed (frame-ancestors).
 */
import type { FastifyInstance } from 'fastify';

const HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-src http: https:; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    reply.headers(HEADERS);
    // API answers describe live devices and users: never keep them in a shared cache.
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    return payload;
  });
}
