import type { Viewer } from '../../../platform/identity';
import { DomainError } from '../../../platform/errors';
import { IdentityErrorCode } from '../errors';
import type { Party } from './audit';

/** Who is acting: a staff user with its permissions, or a platform service (trusted). */
export interface Actor {
  party: Party;
  permissions: string[] | 'all';
}

export function actorOf(viewer: Viewer): Actor | null {
  if (viewer.kind === 'service')
    return { party: { kind: 'service', id: viewer.service }, permissions: 'all' };
  if (viewer.kind === 'staff')
    return { party: { kind: 'staff', id: viewer.staffId }, permissions: viewer.permissions };
  return null;
}

/** Staff may grant only permissions they hold themselves. */
export function requireHolds(actor: Actor, permissions: string[]): void {
  if (actor.permissions === 'all') return;
  const held = actor.permissions;
  const lacking = [...new Set(permissions.filter((p) => !held.includes(p)))];
  if (lacking.length) {
    throw new DomainError(
      IdentityErrorCode.PERMISSION_NOT_HELD,
      `You cannot grant permissions you do not hold: ${lacking.join(', ')}`,
      ['roles'],
    );
  }
}
