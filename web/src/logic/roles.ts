import type { Role } from '../api/types.js';

/** Roles ranked lowest first, so a comparison answers "may this user do that". */
export const ROLE_ORDER: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export function hasRole(role: Role, needed: Role): boolean {
  return ROLE_ORDER[role] >= ROLE_ORDER[needed];
}
