/** Schemas shared by many routes: values, errors, path parameters. */
import { Type } from '@fastify/type-provider-typebox';

/** What a parameter or a cell can hold; timestamps are epoch milliseconds. */
export const ValueSchema = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);

export const ErrorSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'stable code, e.g. VALIDATION, NOT_FOUND, FORBIDDEN' }),
      message: Type.String({ description: 'what went wrong, for a person' }),
      field: Type.Optional(Type.String({ description: 'the request field at fault, e.g. connection.port' })),
    }),
  },
);

/** Error answers every route can give. */
export const errorResponses = {
  '4xx': ErrorSchema,
  '5xx': ErrorSchema,
} as const;

export const Id = Type.String({ minLength: 1, maxLength: 200 });

export const ElementParams = Type.Object({ id: Id });

/** Epoch milliseconds in a query string. */
export const TimeQuery = Type.Integer({ minimum: 0 });

/** A body with no fields: `{}` or nothing at all. */
export const OptionalEmptyBody = Type.Union([Type.Object({}, { additionalProperties: false }), Type.Null()]);

/** The (empty) answer of a deletion. */
export const NoContent = Type.Null({ description: 'no content' });
