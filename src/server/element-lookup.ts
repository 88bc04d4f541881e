/**
 * Looking up what an element is before the runtime acts, for role checks and redaction.
 * Unknown ids give undefined here: the runtime itself refuses them with a 404 that the
 * audit trail records.
 */
import type { ActionDef } from '../sdk/index.js';
import type { ElementService } from '../runtime/element-service.js';

export function connectorOf(elements: ElementService, id: string): string | undefined {
  try {
    return elements.get(id).connector;
  } catch {
    return undefined;
  }
}

export function findAction(elements: ElementService, id: string, actionId: string): { connector: string; action: ActionDef } | undefined {
  const connector = connectorOf(elements, id);
  if (connector === undefined) return undefined;
  try {
    const action = elements.connector(connector).actions.find((candidate) => candidate.id === actionId);
    return action ? { connector, action } : undefined;
  } catch {
    return undefined;
  }
}
