/**
 * Whether an action can run now, and why not: the selection must fit its rule and the
 * user's role must reach its minimum. The server decides in the end; this keeps the menu
 * honest about what it will refuse.
 */
import type { ActionInfo, Role } from '../api/types.js';
import { ROLE_ORDER } from './roles.js';

export interface Availability {
  enabled: boolean;
  /** Why it is disabled, in words shown beside the item. */
  reason?: string;
}

export function actionAvailability(action: Pick<ActionInfo, 'selection' | 'minRole'>, selectedCount: number, role: Role): Availability {
  const needed = action.minRole ?? 'operator';
  if (ROLE_ORDER[role] < ROLE_ORDER[needed]) return { enabled: false, reason: `needs ${needed} role` };
  switch (action.selection) {
    case 'single':
      if (selectedCount === 1) return { enabled: true };
      return { enabled: false, reason: selectedCount === 0 ? 'select one row' : 'select only one row' };
    case 'multiple':
      return selectedCount >= 1 ? { enabled: true } : { enabled: false, reason: 'select one or more rows' };
    default:
      return { enabled: true };
  }
}

/** Destructive actions always ask; others ask only when they carry a confirmation text. */
export function confirmationText(action: Pick<ActionInfo, 'confirm' | 'destructive' | 'label'>, targets: string[]): string | null {
  if (action.confirm) return action.confirm;
  if (!action.destructive) return null;
  return targets.length ? `${action.label} on ${targets.join(', ')}?` : `${action.label}?`;
}
