/** Elements: list, create, read, reconfigure, delete, operator state and restart. */
import { auditInputs } from '../audit-inputs.js';
import { connectorOf } from '../element-lookup.js';
import { actorOf } from '../request-actor.js';
import { ElementParams, NoContent, OptionalEmptyBody, errorResponses } from '../schemas/common-schemas.js';
import { CreateElementBody, ElementListSchema, ElementSchema, SetStateBody, UpdateElementBody } from '../schemas/element-schemas.js';
import type { ServerDeps, TallyApp } from '../server-types.js';

const tags = ['elements'];

export function registerElementRoutes(app: TallyApp, { elements }: ServerDeps): void {
  app.get(
    '/api/elements',
    { config: { minRole: 'viewer' }, schema: { tags, summary: 'All elements', response: { 200: ElementListSchema, ...errorResponses } } },
    async () => ({ elements: elements.list() }),
  );

  app.post(
    '/api/elements',
    {
      config: { minRole: 'admin', audit: 'element.create' },
      schema: { tags, summary: 'Create an element', body: CreateElementBody, response: { 201: ElementSchema, ...errorResponses } },
    },
    async (request, reply) => {
      const body = request.body;
      const created = await request.audited(
        { action: 'element.create', target: body.name, inputs: auditInputs(elements, body.connector, body) },
        () => elements.create(body, actorOf(request)),
      );
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/elements/:id',
    {
      config: { minRole: 'viewer' },
      schema: { tags, summary: 'One element with its state', params: ElementParams, response: { 200: ElementSchema, ...errorResponses } },
    },
    async (request) => elements.get(request.params.id),
  );

  app.patch(
    '/api/elements/:id',
    {
      config: { minRole: 'admin', audit: 'element.update' },
      schema: {
        tags,
        summary: 'Reconfigure an element',
        params: ElementParams,
        body: UpdateElementBody,
        response: { 200: ElementSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params;
      return request.audited(
        { action: 'element.update', elementId: id, inputs: auditInputs(elements, connectorOf(elements, id), request.body) },
        () => elements.update(id, request.body, actorOf(request)),
      );
    },
  );

  app.delete(
    '/api/elements/:id',
    {
      config: { minRole: 'admin', audit: 'element.delete' },
      schema: { tags, summary: 'Delete an element', params: ElementParams, response: { 204: NoContent, ...errorResponses } },
    },
    async (request, reply) => {
      const { id } = request.params;
      await request.audited({ action: 'element.delete', elementId: id }, () => elements.remove(id, actorOf(request)));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/elements/:id/state',
    {
      config: { minRole: 'operator', audit: 'element.state' },
      schema: {
        tags,
        summary: 'Set the operator state: active, paused or stopped',
        params: ElementParams,
        body: SetStateBody,
        response: { 200: ElementSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { state } = request.body;
      return request.audited({ action: 'element.state', elementId: id, inputs: { state } }, () =>
        elements.setOperatorState(id, state, actorOf(request)),
      );
    },
  );

  app.post(
    '/api/elements/:id/restart',
    {
      config: { minRole: 'operator', audit: 'element.restart' },
      schema: {
        tags,
        summary: 'Restart the element',
        params: ElementParams,
        body: OptionalEmptyBody,
        response: { 200: ElementSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params;
      return request.audited({ action: 'element.restart', elementId: id }, () => elements.restart(id, actorOf(request)));
    },
  );
}

