import type { FastifyRequest } from 'fastify';
import type { Actor } from '../runtime/element-service.js';

/** The signed-in caller of a route that requires a role (access control has set it). */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new Error('a route that acts needs a signed-in actor; declare its minRole');
  return request.actor;
}
