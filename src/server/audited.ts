/**
 * The audit trail seen from a request: who (the actor), from where (the client address),
 * what, on which element and rows, with which inputs, and how it ended. Refusals are
 * recorded as well as successes, so an attempt leaves a trace even when it did nothing.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditLog, AuditResult } from '../security/audit-log.js';
import { redactSecrets } from '../security/redact.js';
import { toTallyError } from './error-reply.js';

export interface AuditedChange {
  /** What was attempted, e.g. `element.create`, `param.set`, `action.run`. */
  action: string;
  elementId?: string;
  /** What inside the element or system: a parameter id, row keys, a username. */
  target?: string;
  /** The inputs, secrets already replaced (see redactSecrets). */
  inputs?: Record<string, unknown>;
}

/** Writes one audit record; settles once it is committed. A failing audit store is logged, never hidden. */
export async function recordAudit(
  audit: AuditLog,
  request: FastifyRequest,
  change: AuditedChange,
  result: AuditResult,
  message?: string,
  user?: string,
): Promise<void> {
  try {
    await audit.record({
      user: user ?? request.actor?.user ?? null,
      address: request.ip,
      action: change.action,
      elementId: change.elementId,
      target: change.target,
      // Callers redact the connector's own secrets; credential-named keys are caught here too.
      inputs: change.inputs && redactSecrets(change.inputs),
      result,
      message,
    });
  } catch (error) {
    request.log.error({ err: error, action: change.action }, 'could not write the audit record');
  }
}

/** Adds `request.audited(change, work)`. */
export function installAudited(app: FastifyInstance, audit: AuditLog): void {
  app.decorateRequest('audited', async function audited<T>(this: FastifyRequest, change: AuditedChange, work: () => Promise<T>) {
    let result: T;
    try {
      result = await work();
    } catch (error) {
      const refusal = toTallyError(error);
      await recordAudit(audit, this, change, refusal.status < 500 ? 'refused' : 'error', refusal.message);
      throw error;
    }
    await recordAudit(audit, this, change, 'ok');
    return result;
  });
}
