import { forbidden, unauthenticated } from './errors';
import type { Viewer } from './identity';

/**
 * Development only: AUTHORIZATION_MODE=open treats every caller as staff holding every
 * permission, so that a shop can be tried before anyone has logged in. Production
 * (NODE_ENV=production) ignores it.
 */
function openMode(): boolean {
  return process.env.AUTHORIZATION_MODE === 'open' && process.env.NODE_ENV !== 'production';
}

/** Staff holding every one of the permissions; fellow subgraphs hold all of them. */
export function hasAllPermissions(viewer: Viewer, permissions: readonly string[]): boolean {
  if (viewer.kind === 'service' || openMode()) return true;
  return viewer.kind === 'staff' && permissions.every((p) => viewer.permissions.includes(p));
}

export function hasPermission(viewer: Viewer, permission: string): boolean {
  return hasAllPermissions(viewer, [permission]);
}

/**
 * The one rule for refusals, here and in platform/directives.ts: no viewer (anonymous) is
 * UNAUTHENTICATED (sign in, then try again); a viewer without the permission is FORBIDDEN.
 */
export function refuse(viewer: Viewer, message: string): never {
  if (viewer.kind === 'anonymous') throw unauthenticated();
  throw forbidden(message);
}

/**
 * The check every staff mutation makes, where the SDL does not say it with
 * `@requiresPermission` (platform/directives.ts). Staff users carry permissions such as
 * `catalog:write`; fellow subgraphs (service identity) are trusted for internal calls.
 */
export function requirePermission(viewer: Viewer, permission: string): void {
  if (!hasPermission(viewer, permission)) refuse(viewer, `Requires the ${permission} permission`);
}

/** Internal mutations (reserve stock, authorize a payment) are for fellow subgraphs only. */
export function requireService(viewer: Viewer): void {
  if (viewer.kind !== 'service') refuse(viewer, 'Only platform services may call this');
}
