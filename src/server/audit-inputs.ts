/**
 * Request inputs as the audit trail keeps them: the connector's secret parameters (and
 * anything named like a credential) replaced before they are written anywhere.
 */
import type { ElementService } from '../runtime/element-service.js';
import { redactSecrets } from '../security/redact.js';

export function auditInputs(elements: ElementService, connectorId: string | undefined, inputs: Record<string, unknown>): Record<string, unknown> {
  return redactSecrets(inputs, secretParamIds(elements, connectorId));
}

function secretParamIds(elements: ElementService, connectorId: string | undefined): string[] {
  if (connectorId === undefined) return [];
  try {
    return elements
      .connector(connectorId)
      .params.filter((param) => param.secret)
      .map((param) => param.id);
  } catch {
    // An unknown connector is refused by the runtime; credential-named keys are still redacted.
    return [];
  }
}
