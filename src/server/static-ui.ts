/**
 * Serves the built web UI (web/dist) at /, open to anyone: the UI itself holds nothing
 * secret and signs in through the API. Unknown paths outside /api get index.html so the
 * UI's own routes survive a reload.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** web/dist at the repository root, seen from src/server/ in the source tree or dist/src/server/ once compiled. */
export const DEFAULT_WEB_DIST =
  ['../../web/dist/', '../../../web/dist/']
    .map((relative) => fileURLToPath(new URL(relative, import.meta.url)))
    .find((folder) => existsSync(join(folder, 'index.html'))) ?? fileURLToPath(new URL('../../web/dist/', import.meta.url));

export interface StaticUi {
  /** Answers a page request the router did not know with the UI's index.html. */
  fallback(request: FastifyRequest, reply: FastifyReply): boolean;
}

/** Registers the UI when it is built; null when there is nothing to serve. */
export async function registerStaticUi(app: FastifyInstance, webDist: string): Promise<StaticUi | null> {
  const indexFile = join(webDist, 'index.html');
  if (!existsSync(indexFile)) return null;
  const indexHtml = readFileSync(indexFile);
  await app.register(async (ui) => {
    ui.addHook('onRoute', (route) => {
      route.config = { ...(route.config as object), minRole: 'public' };
    });
    await ui.register(fastifyStatic, { root: webDist, decorateReply: false, index: ['index.html'] });
  });
  return {
    fallback(request, reply) {
      const isPage = (request.method === 'GET' || request.method === 'HEAD') && !request.url.startsWith('/api/');
      if (!isPage || !(request.headers.accept ?? '').includes('text/html')) return false;
      reply.code(200).type('text/html; charset=utf-8').send(indexHtml);
      return true;
    },
  };
}
