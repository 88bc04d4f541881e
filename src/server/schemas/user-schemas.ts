/** Users, API tokens, sessions and the audit trail. */
import { Type } from '@fastify/type-provider-typebox';
import { TimeQuery } from './common-schemas.js';

export const RoleSchema = Type.Union([Type.Literal('viewer'), Type.Literal('operator'), Type.Literal('admin')]);

const Username = Type.String({ minLength: 1, maxLength: 64 });
const Password = Type.String({ minLength: 1, maxLength: 1024, description: 'at least 10 characters' });

export const UserSchema = Type.Object({ username: Type.String(), role: RoleSchema, createdAt: Type.Number() });

export const UserListSchema = Type.Object({ users: Type.Array(UserSchema) });

export const UserPath = Type.Object({ username: Username });

export const CreateUserBody = Type.Object({ username: Username, password: Password, role: RoleSchema }, { additionalProperties: false });

export const UpdateUserBody = Type.Object(
  { password: Type.Optional(Password), role: Type.Optional(RoleSchema) },
  { additionalProperties: false, minProperties: 1 },
);

const tokenFields = {
  id: Type.String(),
  name: Type.String(),
  username: Type.String(),
  createdAt: Type.Number(),
  lastUsedAt: Type.Union([Type.Number(), Type.Null()]),
};

export const TokenSchema = Type.Object(tokenFields);

export const TokenListSchema = Type.Object({ tokens: Type.Array(TokenSchema) });

export const NewTokenSchema = Type.Object({ ...tokenFields, token: Type.String({ description: 'shown this once; only its hash is kept' }) });

export const CreateTokenBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });

export const TokenPath = Type.Object({ username: Username, tokenId: Type.String({ minLength: 1, maxLength: 100 }) });

export const SignInBody = Type.Object(
  {
    username: Type.Optional(Username),
    password: Type.Optional(Password),
    token: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
  },
  { additionalProperties: false },
);

export const SessionSchema = Type.Object({
  username: Type.String(),
  role: RoleSchema,
  csrfToken: Type.Union([Type.String(), Type.Null()], { description: 'send as x-csrf-token on changes; null when signed in with a bearer token' }),
});

export const AuditQuerySchema = Type.Object(
  {
    from: Type.Optional(TimeQuery),
    to: Type.Optional(TimeQuery),
    user: Type.Optional(Type.String({ maxLength: 64 })),
    element: Type.Optional(Type.String({ maxLength: 200 })),
    action: Type.Optional(Type.String({ maxLength: 100, description: 'an action, or a family such as element.*' })),
    result: Type.Optional(Type.Union([Type.Literal('ok'), Type.Literal('refused'), Type.Literal('error')])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  },
  { additionalProperties: false },
);

export const AuditListSchema = Type.Object({
  records: Type.Array(
    Type.Object({
      id: Type.Number(),
      time: Type.Number(),
      user: Type.Union([Type.String(), Type.Null()]),
      address: Type.Union([Type.String(), Type.Null()]),
      action: Type.String(),
      elementId: Type.Union([Type.String(), Type.Null()]),
      target: Type.Union([Type.String(), Type.Null()]),
      inputs: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
      result: Type.Union([Type.Literal('ok'), Type.Literal('refused'), Type.Literal('error')]),
      message: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});
