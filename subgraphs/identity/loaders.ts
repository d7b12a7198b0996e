import DataLoader from 'dataloader';
import { loaderByKey, loaderOfMany } from '../../platform/loaders';
import type { IdentityServices } from './service';

export function createIdentityLoaders({ customers, addresses, staff, mfa }: IdentityServices) {
  return {
    customerById: loaderByKey(
      (ids: readonly string[]) => customers.byIds(ids),
      (c) => c.id,
    ),
    addressesOfCustomer: loaderOfMany(
      (ids: readonly string[]) => addresses.ofCustomers(ids),
      (a) => a.customerId,
    ),
    staffById: loaderByKey(
      (ids: readonly string[]) => staff.byIds(ids),
      (s) => s.id,
    ),
    rolesOfStaff: loaderOfMany(
      (ids: readonly string[]) => staff.rolesOf(ids),
      (r) => r.staffId,
    ),
    permissionsOfStaff: new DataLoader<string, string[]>(async (ids) => {
      const map = await staff.permissionsOf(ids);
      return ids.map((id) => map.get(id) ?? []);
    }),
    roleByName: loaderByKey(
      (names: readonly string[]) => staff.rolesByNames(names),
      (r) => r.name,
    ),
    permissionsOfRole: loaderOfMany(
      (names: readonly string[]) => staff.permissionsOfRoles(names),
      (p) => p.role,
    ),
    /** Every permission (what super_admin holds), keyed by a constant. */
    allPermissions: new DataLoader<'all', string[]>(async (keys) => {
      const all = await staff.allPermissions();
      return keys.map(() => all);
    }),
    customerMfa: new DataLoader<string, boolean>(async (ids) => {
      const enabled = await mfa.enabledAmong('customer', ids);
      return ids.map((id) => enabled.has(id));
    }),
    staffMfa: new DataLoader<string, boolean>(async (ids) => {
      const enabled = await mfa.enabledAmong('staff', ids);
      return ids.map((id) => enabled.has(id));
    }),
  };
}

export type IdentityLoaders = ReturnType<typeof createIdentityLoaders>;
