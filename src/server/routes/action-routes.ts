/** Running a button or a table context-menu item. */
import { TallyError } from '../../errors.js';
import { auditInputs } from '../audit-inputs.js';
import { findAction } from '../element-lookup.js';
import { actorOf } from '../request-actor.js';
import { roleAllows } from '../roles.js';
import { errorResponses } from '../schemas/common-schemas.js';
import { ActionBody, ActionOutcomeSchema, ActionPath } from '../schemas/value-schemas.js';
import type { ServerDeps, TallyApp } from '../server-types.js';

const DEFAULT_ACTION_ROLE = 'operator';

export function registerActionRoutes(app: TallyApp, { elements }: ServerDeps): void {
  app.post(
    '/api/elements/:id/actions/:actionId',
    {
      config: { minRole: 'operator', audit: 'action.run' },
      schema: {
        tags: ['actions'],
        summary: 'Run a button or a context-menu item on the selected rows',
        description: 'An action may require a higher role than operator (the connector says so).',
        params: ActionPath,
        body: ActionBody,
        response: { 200: ActionOutcomeSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { id, actionId } = request.params;
      const rows = request.body.rows ?? [];
      const inputs = request.body.inputs ?? {};
      const found = findAction(elements, id, actionId);
      const actor = actorOf(request);
      const change = {
        action: 'action.run',
        elementId: id,
        target: actionId,
        inputs: { rows, inputs: auditInputs(elements, found?.connector, inputs) },
      };
      return request.audited(change, async () => {
        const needed = found?.action.minRole ?? DEFAULT_ACTION_ROLE;
        if (!roleAllows(actor.role, needed)) {
          throw new TallyError('FORBIDDEN', `"${found?.action.label ?? actionId}" needs the ${needed} role; ${actor.user} is ${actor.role}`);
        }
        return elements.runAction(id, actionId, { rows, inputs }, actor);
      });
    },
  );
}

