/**
 * Installed connectors as GET /api/connectors shows them: the definition as data, without
 * its handlers. Nested shapes stay open (`additionalProperties`) so SDK additions pass
 * through without a server change.
 */
import { Type, type Static } from '@fastify/type-provider-typebox';
import type { ConnectorDefinition } from '../../sdk/index.js';
import { ParamTypeSchema } from './value-schemas.js';

const open = { additionalProperties: true } as const;

const Named = { id: Type.String(), name: Type.String() };

export const ConnectorSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  vendor: Type.String(),
  version: Type.String(),
  description: Type.Optional(Type.String()),
  connection: Type.Object(
    { scheme: Type.Union([Type.Literal('http'), Type.Literal('https')]), port: Type.Integer(), deviceAddress: Type.Optional(Type.String()) },
    open,
  ),
  params: Type.Array(
    Type.Object({ ...Named, type: ParamTypeSchema, writable: Type.Optional(Type.Boolean()), secret: Type.Optional(Type.Boolean()) }, open),
  ),
  tables: Type.Array(Type.Object({ ...Named, displayColumn: Type.String(), columns: Type.Array(Type.Object(Named, open)) }, open)),
  pages: Type.Array(Type.Object({ ...Named, items: Type.Array(Type.Record(Type.String(), Type.String())) }, open)),
  polls: Type.Array(Type.Object({ id: Type.String(), name: Type.Optional(Type.String()), interval: Type.Number() })),
  actions: Type.Array(
    Type.Object(
      {
        id: Type.String(),
        label: Type.String(),
        table: Type.Optional(Type.String()),
        selection: Type.Union([Type.Literal('none'), Type.Literal('single'), Type.Literal('multiple')]),
      },
      open,
    ),
  ),
  hasSimulator: Type.Boolean({ description: 'the connector ships a device simulator (tally sim)' }),
}, open);

export const ConnectorListSchema = Type.Object({ connectors: Type.Array(ConnectorSchema) });

/**
 * The definition as data: handlers dropped at any depth (a JSON round trip), polls reduced
 * to their schedule, and no default shown for a secret. Data fields the SDK gains later
 * (e.g. `alarmTemplate`) pass through.
 */
export function describeConnector(definition: ConnectorDefinition): Static<typeof ConnectorSchema> {
  const { init: _init, simulator, polls, params, ...data } = definition;
  const described = {
    ...data,
    params: params.map((param) => {
      if (!param.secret) return param;
      const { default: _secretDefault, ...withoutDefault } = param;
      return withoutDefault;
    }),
    polls: polls.map(({ id, name, interval }) => ({ id, name, interval })),
    hasSimulator: simulator !== undefined,
  };
  return JSON.parse(JSON.stringify(described)) as Static<typeof ConnectorSchema>;
}
