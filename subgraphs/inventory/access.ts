import { hasPermission } from '../../platform/authorization';
import { forbidden, unauthenticated } from '../../platform/errors';
import type { Viewer } from '../../platform/identity';

/** Staff who manage stock; they alone read warehouses, items, the ledger and reservations. */
export const INVENTORY_STAFF = 'inventory:write';

/**
 * The SDL's @requiresPermission rule, for entity references (which no field directive
 * guards): UNAUTHENTICATED without a viewer, FORBIDDEN without the permission.
 */
export function requireInventoryStaff(viewer: Viewer): void {
  if (hasPermission(viewer, INVENTORY_STAFF)) return;
  if (viewer.kind === 'anonymous') throw unauthenticated();
  throw forbidden(`Requires ${INVENTORY_STAFF}`);
}
