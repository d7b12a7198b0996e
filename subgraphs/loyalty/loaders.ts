import { loaderByKey } from '../../platform/loaders';
import type { LoyaltyService } from './service';

/** Customer.loyalty for a page of customers: one account read each (accounts open lazily). */
export function createLoyaltyLoaders(loyalty: LoyaltyService) {
  return {
    account: loaderByKey(
      (ids: readonly string[]) => Promise.all(ids.map((id) => loyalty.account(id))),
      (a) => a.customerId,
    ),
  };
}

export type LoyaltyLoaders = ReturnType<typeof createLoyaltyLoaders>;
