/** Elements: what a client sends to create or reconfigure one, and what it reads back. */
import { Type } from '@fastify/type-provider-typebox';
import { Id, ValueSchema } from './common-schemas.js';

const connectionFields = {
  host: Type.String({ minLength: 1, maxLength: 500, description: 'host name, address, or URL (https://host sets the scheme)' }),
  port: Type.Integer({ minimum: 1, maximum: 65535 }),
  tls: Type.Boolean(),
  skipTlsVerify: Type.Boolean({ description: 'accept any device certificate (self-signed devices)' }),
  deviceAddress: Type.String({ maxLength: 200, description: '"ByPassProxy" talks to the device without the system proxy' }),
  requestTimeout: Type.Integer({ minimum: 100, maximum: 600_000, description: 'per-request timeout, ms' }),
  elementTimeout: Type.Integer({ minimum: 1000, maximum: 86_400_000, description: 'how long the device may fail before the element goes to timeout, ms' }),
  retries: Type.Integer({ minimum: 0, maximum: 10 }),
};

export const ConnectionSchema = Type.Object(connectionFields);

const ConnectionChange = Type.Object(Type.Partial(ConnectionSchema).properties, { additionalProperties: false });

const OperatorStateSchema = Type.Union([Type.Literal('active'), Type.Literal('paused'), Type.Literal('stopped')]);

const ParamValues = Type.Record(Type.String({ maxLength: 200 }), ValueSchema, {
  description: 'configuration and writable parameters by id, secrets included (stored sealed, never returned)',
});

const PollIntervals = Type.Record(Type.String({ maxLength: 200 }), Type.Integer({ minimum: 100, maximum: 86_400_000 }), {
  description: 'poll group id → interval in ms, overriding the connector',
});

export const CreateElementBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    connector: Id,
    connection: Type.Object({ ...ConnectionChange.properties, host: connectionFields.host }, { additionalProperties: false }),
    params: Type.Optional(ParamValues),
    pollIntervals: Type.Optional(PollIntervals),
    operatorState: Type.Optional(OperatorStateSchema),
  },
  { additionalProperties: false },
);

export const UpdateElementBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    connection: Type.Optional(ConnectionChange),
    params: Type.Optional(ParamValues),
    pollIntervals: Type.Optional(PollIntervals),
  },
  { additionalProperties: false },
);

export const SetStateBody = Type.Object({ state: OperatorStateSchema }, { additionalProperties: false });

export const ElementSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  connector: Type.String(),
  connection: ConnectionSchema,
  state: Type.Union([
    Type.Literal('initialising'),
    Type.Literal('active'),
    Type.Literal('paused'),
    Type.Literal('stopped'),
    Type.Literal('timeout'),
    Type.Literal('error'),
  ]),
  stateReason: Type.String(),
  operatorState: OperatorStateSchema,
  pollIntervals: Type.Record(Type.String(), Type.Number()),
  baseUrl: Type.String(),
  createdAt: Type.Number(),
  updatedAt: Type.Number(),
});

export const ElementListSchema = Type.Object({ elements: Type.Array(ElementSchema) });
