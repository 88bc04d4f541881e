/** Role order: each role may do everything the ones before it may. */
import { ROLES, type Role } from '../sdk/index.js';
import type { AccessLevel } from './server-types.js';

/** True when `role` reaches `needed` (anyone reaches `public`). */
export function roleAllows(role: Role, needed: AccessLevel): boolean {
  return needed === 'public' || ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
