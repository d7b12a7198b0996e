import { forbidden, unauthenticated } from '../../platform/errors';
import type { Viewer } from '../../platform/identity';
import type { Principal } from './domain/sessions';
import type { Actor } from './domain/staff';
import { actorOf } from './domain/staff';
import { APPS_MANAGE } from './domain/apps';

export const IDENTITY_MANAGE = 'identity:manage';
/** Staff holding any of these may read customer accounts. */
const CUSTOMER_READERS = ['customers:read', 'orders:manage', IDENTITY_MANAGE];

/** Who may do what in identity. Unlike platform/authorization, never relaxed by AUTHORIZATION_MODE=open. */
export function requireCustomer(viewer: Viewer): string {
  if (viewer.kind === 'customer') return viewer.customerId;
  if (viewer.kind === 'anonymous') throw unauthenticated('Sign in as a customer first');
  throw forbidden('Only a customer has this');
}

export function requirePrincipal(viewer: Viewer): Principal {
  if (viewer.kind === 'customer') return { kind: 'customer', id: viewer.customerId };
  if (viewer.kind === 'staff') return { kind: 'staff', id: viewer.staffId };
  if (viewer.kind === 'anonymous') throw unauthenticated('Sign in first');
  throw forbidden('Only a signed-in customer or staff user has this');
}

export function requireStaffSelf(viewer: Viewer): string {
  if (viewer.kind === 'staff') return viewer.staffId;
  if (viewer.kind === 'anonymous') throw unauthenticated('Sign in as staff first');
  throw forbidden('Only a staff user has this');
}

/** Staff with identity:manage, or a platform service. */
export function requireIdentityManager(viewer: Viewer): Actor {
  if (viewer.kind === 'anonymous' || viewer.kind === 'customer') {
    throw viewer.kind === 'anonymous'
      ? unauthenticated()
      : forbidden(`Requires the ${IDENTITY_MANAGE} permission`);
  }
  if (viewer.kind === 'staff' && !viewer.permissions.includes(IDENTITY_MANAGE)) {
    throw forbidden(`Requires the ${IDENTITY_MANAGE} permission`);
  }
  return actorOf(viewer)!;
}

export function canReadCustomer(viewer: Viewer, customerId: string): boolean {
  if (viewer.kind === 'service') return true;
  if (viewer.kind === 'customer') return viewer.customerId === customerId;
  if (viewer.kind === 'staff') return viewer.permissions.some((p) => CUSTOMER_READERS.includes(p));
  return false;
}

export function requireCustomerReader(viewer: Viewer): void {
  if (viewer.kind === 'service') return;
  if (viewer.kind === 'staff' && viewer.permissions.some((p) => CUSTOMER_READERS.includes(p)))
    return;
  if (viewer.kind === 'anonymous') throw unauthenticated();
  throw forbidden('Requires customers:read, orders:manage or identity:manage');
}

export function canReadStaff(viewer: Viewer, staffId: string): boolean {
  if (viewer.kind === 'service') return true;
  if (viewer.kind !== 'staff') return false;
  return viewer.staffId === staffId || viewer.permissions.includes(IDENTITY_MANAGE);
}

/** Staff with apps:manage (apps and their webhooks), or a platform service. */
export function requireAppsManager(viewer: Viewer): Actor {
  if (viewer.kind === 'anonymous') throw unauthenticated();
  const actor = actorOf(viewer);
  if (!actor || (actor.permissions !== 'all' && !actor.permissions.includes(APPS_MANAGE)))
    throw forbidden(`Requires the ${APPS_MANAGE} permission`);
  return actor;
}
