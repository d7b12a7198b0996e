import { DomainError } from '../../../platform/errors';
import type { ServiceClient } from '../../../platform/service-client';
import {
  OrdersLoyaltyConfirmDocument,
  type OrdersLoyaltyHoldFragment,
  OrdersLoyaltyHoldDocument,
  OrdersLoyaltyReleaseDocument,
  type LoyaltyHoldInput,
} from '../generated/clients/loyalty';
import { raiseFirst, valueOf } from './raise';

export type LoyaltyHold = OrdersLoyaltyHoldFragment;

export class LoyaltyClient {
  constructor(private readonly client: ServiceClient) {}

  /**
   * Points and a gift card held for the order, all or nothing; idempotent by orderRef.
   * Loyalty's refusals point at checkout's input (["input", "loyalty", <field>]).
   */
  async hold(input: LoyaltyHoldInput): Promise<LoyaltyHold> {
    const { loyaltyHold } = await this.client.execute(OrdersLoyaltyHoldDocument, { input });
    const [refused] = loyaltyHold.userErrors;
    if (refused) {
      throw new DomainError(refused.code, refused.message, [
        'input',
        'loyalty',
        ...(refused.field ?? []),
      ]);
    }
    return valueOf(loyaltyHold, loyaltyHold.hold ?? null, 'loyalty hold');
  }

  async confirm(orderRef: string): Promise<void> {
    const { loyaltyConfirm } = await this.client.execute(OrdersLoyaltyConfirmDocument, {
      orderRef,
    });
    raiseFirst(loyaltyConfirm.userErrors);
  }

  /** Releasing what was never held (a crash before the hold) is nothing to undo. */
  async release(orderRef: string): Promise<void> {
    const { loyaltyRelease } = await this.client.execute(OrdersLoyaltyReleaseDocument, {
      orderRef,
    });
    raiseFirst(loyaltyRelease.userErrors);
  }
}
