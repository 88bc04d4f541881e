/**
 * JSON bodies with a nesting limit: a deeply nested document costs the parser and every
 * walker after it far more than its size suggests, so it is refused before parsing.
 * Prototype-poisoning keys are refused by Fastify's own parser, which does the parsing.
 */
import type { FastifyInstance } from 'fastify';
import { TallyError } from '../errors.js';

export const MAX_JSON_DEPTH = 32;

/** True when the JSON text opens more than `limit` arrays/objects inside each other. */
export function exceedsDepth(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c) i++; // backslash: skip the escaped character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x7b || code === 0x5b) {
      if (++depth > limit) return true;
    } else if (code === 0x7d || code === 0x5d) {
      depth--;
    }
  }
  return false;
}

/** JSON is the only body the API takes: a text/plain body could be sent cross-site without a preflight. */
export function installJsonBodyParser(app: FastifyInstance, maxDepth = MAX_JSON_DEPTH): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (exceedsDepth(text, maxDepth)) {
      done(new TallyError('BAD_REQUEST', `the request body nests deeper than ${maxDepth} levels`), undefined);
      return;
    }
    parse(request, text, done);
  });
}
