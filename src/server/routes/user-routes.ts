/** Users and their roles (admin only). Passwords go in, never out. */
import { notFound } from '../../errors.js';
import { NoContent, errorResponses } from '../schemas/common-schemas.js';
import { CreateUserBody, UpdateUserBody, UserListSchema, UserPath, UserSchema } from '../schemas/user-schemas.js';
import type { ServerDeps, TallyApp } from '../server-types.js';

const tags = ['users'];

export function registerUserRoutes(app: TallyApp, { users }: ServerDeps): void {
  app.get(
    '/api/users',
    { config: { minRole: 'admin' }, schema: { tags, summary: 'All users', response: { 200: UserListSchema, ...errorResponses } } },
    async () => ({ users: users.listUsers() }),
  );

  app.post(
    '/api/users',
    {
      config: { minRole: 'admin', audit: 'user.create' },
      schema: { tags, summary: 'Add a user', body: CreateUserBody, response: { 201: UserSchema, ...errorResponses } },
    },
    async (request, reply) => {
      const { username, password, role } = request.body;
      const created = await request.audited({ action: 'user.create', target: username, inputs: { role } }, () =>
        users.addUser(username, password, role),
      );
      return reply.code(201).send(created);
    },
  );

  app.patch(
    '/api/users/:username',
    {
      config: { minRole: 'admin', audit: 'user.update' },
      schema: {
        tags,
        summary: 'Change a password (signs the user out everywhere) or a role',
        params: UserPath,
        body: UpdateUserBody,
        response: { 200: UserSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { username } = request.params;
      const { password, role } = request.body;
      const inputs = { passwordChanged: password !== undefined, ...(role ? { role } : {}) };
      return request.audited({ action: 'user.update', target: username, inputs }, async () => {
        if (role) users.setRole(username, role);
        if (password !== undefined) await users.setPassword(username, password);
        const user = users.getUser(username);
        if (!user) throw notFound('user', username, 'username');
        return user;
      });
    },
  );

  app.delete(
    '/api/users/:username',
    {
      config: { minRole: 'admin', audit: 'user.delete' },
      schema: { tags, summary: 'Remove a user with its tokens and sessions', params: UserPath, response: { 204: NoContent, ...errorResponses } },
    },
    async (request, reply) => {
      const { username } = request.params;
      await request.audited({ action: 'user.delete', target: username }, async () => users.removeUser(username));
      return reply.code(204).send(null);
    },
  );
}
