import type { DomainError } from '../../../platform/errors';
import type { CartLine, MinimumSubtotal, PromotionKind, Quote } from '../discounts';
import type { OrderRedemptionRow } from '../entities';

export interface CampaignInput {
  name: string;
  startsAt: string;
  endsAt?: string | null;
  active?: boolean | null;
}

export interface ConditionsInput {
  minSubtotals?: MinimumSubtotal[] | null;
  productIds?: string[] | null;
  categoryIds?: string[] | null;
  brandIds?: string[] | null;
  customerSegments?: string[] | null;
}

export interface PromotionInput {
  campaignId: string;
  name: string;
  kind: PromotionKind;
  value?: number | null;
  currency?: string | null;
  buyQuantity?: number | null;
  getQuantity?: number | null;
  conditions?: ConditionsInput | null;
  exclusive?: boolean | null;
  priority?: number | null;
  requiresCoupon?: boolean | null;
}

export interface CouponInput {
  promotionId: string;
  code: string;
  usageLimit?: number | null;
  perCustomerLimit?: number | null;
}

export interface CouponsGenerateInput {
  promotionId: string;
  count: number;
  prefix?: string | null;
  length?: number | null;
  usageLimit?: number | null;
  perCustomerLimit?: number | null;
}

/** What a checkout asks about: the cart, who buys, which codes were entered. */
export interface DiscountInput {
  currency: string;
  customerKey?: string | null;
  customerSegments?: string[] | null;
  couponCodes?: string[] | null;
  shippingAmount?: number | null;
  /** The moment the campaign windows are checked at; now by default. */
  at?: Date | null;
  lines: CartLine[];
}

export interface DiscountRedeemInput extends Omit<DiscountInput, 'at'> {
  orderRef: string;
}

/** A quote and the coupons that were refused (each as the error to show). */
export interface QuoteOutcome {
  quote: Quote;
  rejected: DomainError[];
}

/** A redemption, or (with nothing reserved) the coupons that stood in its way. */
export type RedeemOutcome =
  { redemption: OrderRedemptionRow; rejected: [] } | { redemption: null; rejected: DomainError[] };
