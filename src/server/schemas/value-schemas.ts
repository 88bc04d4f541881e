/** Parameters, tables, actions, the stream viewer and information events as the API shows them. */
import { Type } from '@fastify/type-provider-typebox';
import { Id, TimeQuery, ValueSchema } from './common-schemas.js';

export const ParamTypeSchema = Type.Union([
  Type.Literal('number'),
  Type.Literal('string'),
  Type.Literal('discrete'),
  Type.Literal('boolean'),
  Type.Literal('timestamp'),
]);

export const DiscreteSchema = Type.Object({ value: Type.Union([Type.String(), Type.Number(), Type.Boolean()]), label: Type.String() });

export const ParamSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: ParamTypeSchema,
  value: Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()], { description: 'always null for a secret' }),
  display: Type.String(),
  unit: Type.Union([Type.String(), Type.Null()]),
  writable: Type.Boolean(),
  secret: Type.Boolean(),
  isSet: Type.Boolean(),
  stale: Type.Boolean({ description: 'not live: the element is in timeout, or nothing was polled since Tally started' }),
  updatedAt: Type.Union([Type.Number(), Type.Null()]),
});

export const ParamListSchema = Type.Object({ params: Type.Array(ParamSchema) });

export const ParamPath = Type.Object({ id: Id, paramId: Id });

export const SetParamBody = Type.Object({ value: ValueSchema }, { additionalProperties: false });

export const TablePath = Type.Object({ id: Id, tableId: Id });

const ColumnSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    type: ParamTypeSchema,
    unit: Type.Optional(Type.String()),
    decimals: Type.Optional(Type.Number()),
    discretes: Type.Optional(Type.Array(DiscreteSchema)),
  },
  { additionalProperties: true },
);

export const RowSchema = Type.Object({
  key: Type.String(),
  displayKey: Type.String(),
  cells: Type.Record(Type.String(), ValueSchema),
  stale: Type.Boolean(),
  updatedAt: Type.Number(),
});

export const TableSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  displayColumn: Type.String(),
  columns: Type.Array(ColumnSchema),
  rows: Type.Array(RowSchema),
});

export const ActionPath = Type.Object({ id: Id, actionId: Id });

export const ActionBody = Type.Object(
  {
    rows: Type.Optional(Type.Array(Type.String({ maxLength: 500 }), { maxItems: 1000, description: 'keys of the selected rows' })),
    inputs: Type.Optional(Type.Record(Type.String({ maxLength: 200 }), ValueSchema)),
  },
  { additionalProperties: false },
);

export const ActionOutcomeSchema = Type.Object({ ok: Type.Literal(true), message: Type.String() });

const HeadersSchema = Type.Record(Type.String(), Type.String());

export const StreamSchema = Type.Object({
  entries: Type.Array(
    Type.Object({
      time: Type.Number(),
      method: Type.String(),
      url: Type.String(),
      requestHeaders: HeadersSchema,
      requestBody: Type.Union([Type.String(), Type.Null()]),
      status: Type.Union([Type.Number(), Type.Null()]),
      statusLine: Type.String(),
      responseHeaders: HeadersSchema,
      responseBody: Type.Union([Type.String(), Type.Null()]),
      durationMs: Type.Number(),
      error: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});

const EventKind = Type.Union([
  Type.Literal('state'),
  Type.Literal('set'),
  Type.Literal('action'),
  Type.Literal('config'),
  Type.Literal('info'),
]);

export const EventQuerySchema = Type.Object(
  {
    from: Type.Optional(TimeQuery),
    to: Type.Optional(TimeQuery),
    kind: Type.Optional(EventKind),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  },
  { additionalProperties: false },
);

export const EventListSchema = Type.Object({
  events: Type.Array(
    Type.Object({
      id: Type.Optional(Type.Number()),
      time: Type.Number(),
      elementId: Type.Union([Type.String(), Type.Null()]),
      kind: EventKind,
      user: Type.Union([Type.String(), Type.Null()]),
      message: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  ),
});
