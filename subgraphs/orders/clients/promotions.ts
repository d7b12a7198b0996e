import type { UserError } from '../../../platform/errors';
import type { ServiceClient } from '../../../platform/service-client';
import {
  type DiscountInput,
  OrdersDiscountQuoteDocument,
  type OrdersDiscountQuoteFragment,
  OrdersDiscountsConfirmDocument,
  OrdersDiscountsRedeemDocument,
  OrdersDiscountsReleaseDocument,
} from '../generated/clients/promotions';
import { raiseFirst, valueOf } from './raise';

export type DiscountQuote = OrdersDiscountQuoteFragment;
export type DiscountRequest = DiscountInput;

export class PromotionsClient {
  constructor(private readonly client: ServiceClient) {}

  /** What the cart's discounts come to now; coupon problems come back beside the quote. */
  async quote(
    input: DiscountRequest,
  ): Promise<{ quote: DiscountQuote | null; userErrors: UserError[] }> {
    return (await this.client.execute(OrdersDiscountQuoteDocument, { input })).discountQuote;
  }

  /** The same, and one use of each applied coupon held for the order; all or nothing. Idempotent by orderRef. */
  async redeem(orderRef: string, input: DiscountRequest): Promise<DiscountQuote> {
    const { discountsRedeem } = await this.client.execute(OrdersDiscountsRedeemDocument, {
      input: { ...input, orderRef },
    });
    return valueOf(discountsRedeem, discountsRedeem.quote, 'discount redemption');
  }

  async release(orderRef: string): Promise<void> {
    const { discountsRelease } = await this.client.execute(OrdersDiscountsReleaseDocument, {
      orderRef,
    });
    // Releasing what was never redeemed (no coupon applied, or a crash before) is nothing to undo.
    raiseFirst(discountsRelease.userErrors.filter((e) => e.code !== 'NOT_FOUND'));
  }

  async confirm(orderRef: string): Promise<void> {
    const { discountsConfirm } = await this.client.execute(OrdersDiscountsConfirmDocument, {
      orderRef,
    });
    raiseFirst(discountsConfirm.userErrors.filter((e) => e.code !== 'NOT_FOUND'));
  }
}
