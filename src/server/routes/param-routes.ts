/** Parameters of an element: current values, and setting a writable one. */
import { auditInputs } from '../audit-inputs.js';
import { connectorOf } from '../element-lookup.js';
import { actorOf } from '../request-actor.js';
import { ElementParams, errorResponses } from '../schemas/common-schemas.js';
import { ParamListSchema, ParamPath, ParamSchema, SetParamBody } from '../schemas/value-schemas.js';
import type { ServerDeps, TallyApp } from '../server-types.js';

const tags = ['parameters'];

export function registerParamRoutes(app: TallyApp, { elements }: ServerDeps): void {
  app.get(
    '/api/elements/:id/params',
    {
      config: { minRole: 'viewer' },
      schema: { tags, summary: 'Current values of every parameter', params: ElementParams, response: { 200: ParamListSchema, ...errorResponses } },
    },
    async (request) => ({ params: elements.params(request.params.id) }),
  );

  app.get(
    '/api/elements/:id/params/:paramId',
    {
      config: { minRole: 'viewer' },
      schema: { tags, summary: 'Current value of one parameter', params: ParamPath, response: { 200: ParamSchema, ...errorResponses } },
    },
    async (request) => elements.param(request.params.id, request.params.paramId),
  );

  app.put(
    '/api/elements/:id/params/:paramId',
    {
      config: { minRole: 'operator', audit: 'param.set' },
      schema: {
        tags,
        summary: 'Set a writable parameter',
        params: ParamPath,
        body: SetParamBody,
        response: { 200: ParamSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { id, paramId } = request.params;
      const { value } = request.body;
      const inputs = auditInputs(elements, connectorOf(elements, id), { [paramId]: value });
      return request.audited({ action: 'param.set', elementId: id, target: paramId, inputs }, () =>
        elements.setParam(id, paramId, value, actorOf(request)),
      );
    },
  );
}
