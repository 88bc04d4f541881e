/** API tokens of a user (admin only): named, revocable, shown once. */
import { NoContent, errorResponses } from '../schemas/common-schemas.js';
import { CreateTokenBody, NewTokenSchema, TokenListSchema, TokenPath, UserPath } from '../schemas/user-schemas.js';
import type { ServerDeps, TallyApp } from '../server-types.js';

const tags = ['users'];

export function registerTokenRoutes(app: TallyApp, { users }: ServerDeps): void {
  app.get(
    '/api/users/:username/tokens',
    {
      config: { minRole: 'admin' },
      schema: { tags, summary: "A user's tokens (names and last use, never the tokens)", params: UserPath, response: { 200: TokenListSchema, ...errorResponses } },
    },
    async (request) => ({ tokens: users.listTokens(request.params.username) }),
  );

  app.post(
    '/api/users/:username/tokens',
    {
      config: { minRole: 'admin', audit: 'token.create' },
      schema: {
        tags,
        summary: 'A new API token, shown once in the answer',
        params: UserPath,
        body: CreateTokenBody,
        response: { 201: NewTokenSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { username } = request.params;
      const { name } = request.body;
      const { token, view } = await request.audited({ action: 'token.create', target: username, inputs: { name } }, async () =>
        users.createToken(username, name),
      );
      return reply.code(201).send({ ...view, token });
    },
  );

  app.delete(
    '/api/users/:username/tokens/:tokenId',
    {
      config: { minRole: 'admin', audit: 'token.revoke' },
      schema: { tags, summary: 'Revoke a token', params: TokenPath, response: { 204: NoContent, ...errorResponses } },
    },
    async (request, reply) => {
      const { username, tokenId } = request.params;
      await request.audited({ action: 'token.revoke', target: username, inputs: { tokenId } }, async () => users.revokeToken(username, tokenId));
      return reply.code(204).send(null);
    },
  );
}
