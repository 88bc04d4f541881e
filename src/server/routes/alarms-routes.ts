/**
 * Alarms: the console (active and history), acknowledging, each element's alarm template,
 * and webhook notification targets. Passed to `buildServer(deps, { plugins })`.
 */
import type { FastifyPluginAsync } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ALARM_SEVERITIES, type AlarmSeverity } from '../../sdk/index.js';
import { TallyError } from '../../errors.js';
import type { AlarmChangeKind } from '../../alarms/alarm.js';
import type { AlarmEngine } from '../../alarms/alarm-engine.js';
import type { WebhookNotifier } from '../../alarms/webhook-notifier.js';
import { isAlarmSeverity } from '../../alarms/severity.js';
import { actorOf } from '../request-actor.js';
import { ElementParams, NoContent, TimeQuery, ValueSchema, errorResponses } from '../schemas/common-schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const SeveritySchema = Type.Unsafe<AlarmSeverity>({ type: 'string', enum: [...ALARM_SEVERITIES] });

const AlarmSchema = Type.Object({
  id: Type.Integer(),
  elementId: Type.String(),
  elementName: Type.String(),
  ruleId: Type.String({ description: 'the template rule, or "element-state" for timeout and error alarms' }),
  paramId: Nullable(Type.String({ description: 'parameter id, or "<tableId>.<columnId>" for a column' })),
  tableId: Nullable(Type.String()),
  rowKey: Nullable(Type.String()),
  displayKey: Nullable(Type.String()),
  severity: SeveritySchema,
  value: ValueSchema,
  message: Type.String(),
  raisedAt: Type.Integer({ description: 'epoch ms' }),
  updatedAt: Type.Integer(),
  clearedAt: Nullable(Type.Integer()),
  acknowledged: Type.Boolean(),
  ackComment: Nullable(Type.String()),
  ackUser: Nullable(Type.String()),
  ackAt: Nullable(Type.Integer()),
});

const AlarmChangeSchema = Type.Object({
  alarmId: Type.Integer(),
  time: Type.Integer(),
  change: Type.Unsafe<AlarmChangeKind>({ type: 'string', enum: ['raised', 'severity', 'cleared', 'acknowledged'] }),
  severity: SeveritySchema,
  value: ValueSchema,
  message: Type.String(),
  user: Nullable(Type.String()),
  comment: Nullable(Type.String()),
});

const AlarmParams = Type.Object({ alarmId: Type.Integer({ minimum: 1 }) });

const TemplateSchema = Type.Object(
  {
    source: Type.Optional(Type.Union([Type.Literal('connector'), Type.Literal('element')], { description: 'ignored on PUT' })),
    rules: Type.Array(Type.Unknown(), {
      description:
        'rules: {id, target: {param} | {table, column, rowFilter?}, kind: threshold|discrete|pattern, thresholds | values | patterns, hysteresis?: {raiseSeconds?, clearSeconds?}, enabled?}',
    }),
  },
  { additionalProperties: false },
);

const WebhookSchema = Type.Object({
  id: Type.Integer(),
  url: Type.String({ description: 'masked: scheme, host and first path segment' }),
  minSeverity: SeveritySchema,
  createdAt: Type.Integer(),
  delivered: Type.Integer(),
  failed: Type.Integer(),
  dropped: Type.Integer(),
  queued: Type.Integer(),
  lastError: Nullable(Type.String()),
});

export interface AlarmRouteServices {
  alarms: AlarmEngine;
  notifier?: WebhookNotifier;
}

export function alarmRoutes({ alarms, notifier }: AlarmRouteServices): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['alarms'];

    app.get(
      '/api/alarms',
      {
        config: { minRole: 'viewer' },
        schema: {
          tags,
          summary: 'Active alarms (most severe, newest first) or, with state=all, history too (newest first)',
          querystring: Type.Object(
            {
              state: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('all')], { default: 'active' })),
              element: Type.Optional(Type.String()),
              severity: Type.Optional(Type.String({ description: 'one severity or a comma-separated list' })),
              from: Type.Optional(TimeQuery),
              to: Type.Optional(TimeQuery),
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ alarms: Type.Array(AlarmSchema) }), ...errorResponses },
        },
      },
      async (request) => {
        const { state, element, severity, from, to, limit } = request.query;
        return { alarms: await alarms.list({ state, elementId: element, severities: parseSeverities(severity), from, to, limit }) };
      },
    );

    app.get(
      '/api/alarms/summary',
      {
        config: { minRole: 'viewer' },
        schema: {
          tags,
          summary: 'Active alarm counts per severity and each alarmed element’s overall severity',
          response: {
            200: Type.Object({ counts: Type.Record(Type.String(), Type.Integer()), elements: Type.Record(Type.String(), SeveritySchema) }),
            ...errorResponses,
          },
        },
      },
      async () => ({ counts: Object.fromEntries(alarms.activeCounts()), elements: alarms.elementSeverities() }),
    );

    app.get(
      '/api/alarms/:alarmId',
      { config: { minRole: 'viewer' }, schema: { tags, summary: 'One alarm', params: AlarmParams, response: { 200: AlarmSchema, ...errorResponses } } },
      async (request) => alarms.get(request.params.alarmId),
    );

    app.get(
      '/api/alarms/:alarmId/history',
      {
        config: { minRole: 'viewer' },
        schema: {
          tags,
          summary: 'The steps of an alarm’s life: raised, severity changes, acknowledgements, cleared',
          params: AlarmParams,
          response: { 200: Type.Object({ changes: Type.Array(AlarmChangeSchema) }), ...errorResponses },
        },
      },
      async (request) => ({ changes: await alarms.history(request.params.alarmId) }),
    );

    app.post(
      '/api/alarms/:alarmId/ack',
      {
        config: { minRole: 'operator', audit: 'alarm.ack' },
        schema: {
          tags,
          summary: 'Acknowledge an alarm, with an optional comment',
          params: AlarmParams,
          body: Type.Union([Type.Object({ comment: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }), Type.Null()]),
          response: { 200: AlarmSchema, ...errorResponses },
        },
      },
      async (request) => {
        const { alarmId } = request.params;
        const comment = request.body?.comment?.trim() || null;
        const { elementId } = await alarms.get(alarmId);
        return request.audited({ action: 'alarm.ack', elementId, target: String(alarmId), inputs: { comment } }, async () =>
          alarms.acknowledge(alarmId, actorOf(request).user, comment),
        );
      },
    );

    app.get(
      '/api/elements/:id/alarm-template',
      {
        config: { minRole: 'viewer' },
        schema: {
          tags,
          summary: 'The element’s alarm template: its own, or the connector’s default (source says which)',
          params: ElementParams,
          response: { 200: TemplateSchema, ...errorResponses },
        },
      },
      async (request) => alarms.template(request.params.id),
    );

    app.put(
      '/api/elements/:id/alarm-template',
      {
        config: { minRole: 'admin', audit: 'alarm-template.set' },
        schema: {
          tags,
          summary: 'Give the element its own alarm template (validated against its connector)',
          params: ElementParams,
          body: TemplateSchema,
          response: { 200: TemplateSchema, ...errorResponses },
        },
      },
      async (request) => {
        const { id } = request.params;
        return request.audited({ action: 'alarm-template.set', elementId: id, inputs: { rules: request.body.rules } }, async () =>
          alarms.setTemplate(id, { rules: request.body.rules }, actorOf(request).user),
        );
      },
    );

    app.delete(
      '/api/elements/:id/alarm-template',
      {
        config: { minRole: 'admin', audit: 'alarm-template.reset' },
        schema: {
          tags,
          summary: 'Drop the element’s own template: the connector’s default applies again',
          params: ElementParams,
          response: { 200: TemplateSchema, ...errorResponses },
        },
      },
      async (request) => {
        const { id } = request.params;
        return request.audited({ action: 'alarm-template.reset', elementId: id }, async () => alarms.resetTemplate(id));
      },
    );

    if (!notifier) return;
    const webhookTags = ['notifications'];

    app.get(
      '/api/notifications/webhooks',
      {
        config: { minRole: 'admin' },
        schema: { tags: webhookTags, summary: 'Webhook targets of alarm changes', response: { 200: Type.Object({ webhooks: Type.Array(WebhookSchema) }), ...errorResponses } },
      },
      async () => ({ webhooks: notifier.list() }),
    );

    app.post(
      '/api/notifications/webhooks',
      {
        config: { minRole: 'admin', audit: 'webhook.create' },
        schema: {
          tags: webhookTags,
          summary: 'Add a target: alarm changes of at least minSeverity are POSTed to url as JSON',
          body: Type.Object(
            { url: Type.String({ maxLength: 2000 }), minSeverity: Type.Optional(Type.String({ description: 'default warning: every alarm' })) },
            { additionalProperties: false },
          ),
          response: { 201: WebhookSchema, ...errorResponses },
        },
      },
      async (request, reply) => {
        // The URL may carry a token: the audit trail records only the severity.
        const created = await request.audited({ action: 'webhook.create', inputs: { minSeverity: request.body.minSeverity } }, async () =>
          notifier.add(request.body, actorOf(request).user),
        );
        return reply.code(201).send(created);
      },
    );

    app.delete(
      '/api/notifications/webhooks/:webhookId',
      {
        config: { minRole: 'admin', audit: 'webhook.delete' },
        schema: {
          tags: webhookTags,
          summary: 'Remove a webhook target',
          params: Type.Object({ webhookId: Type.Integer({ minimum: 1 }) }),
          response: { 204: NoContent, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { webhookId } = request.params;
        await request.audited({ action: 'webhook.delete', target: String(webhookId) }, async () => notifier.remove(webhookId));
        return reply.code(204).send(null);
      },
    );
  };
}

function parseSeverities(input: string | undefined): AlarmSeverity[] | undefined {
  if (!input) return undefined;
  return input.split(',').map((part) => {
    const severity = part.trim();
    if (!isAlarmSeverity(severity)) throw new TallyError('VALIDATION', `severity must be among ${ALARM_SEVERITIES.join(', ')}`, 'severity');
    return severity;
  });
}
