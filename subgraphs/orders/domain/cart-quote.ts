import { DomainError, type UserError } from '../../../platform/errors';
import {
  categoryIds,
  type DiscountQuote,
  type DiscountRequest,
  type OrdersClients,
  type PriceQuote,
  type VariantInfo,
} from '../clients/index';

/** Where a cart is priced for when the buyer has not said: the home market of its currency. */
const HOME_COUNTRY: Record<string, string> = { EUR: 'DE', USD: 'US', GBP: 'GB' };

export function homeCountry(currency: string): string {
  const country = HOME_COUNTRY[currency];
  if (!country)
    throw new DomainError('UNKNOWN_CURRENCY', `No market sells in ${currency}`, ['currency']);
  return country;
}

export interface QuoteRequest {
  currency: string;
  lines: { variantId: string; quantity: number }[];
  country: string;
  region?: string | null;
  couponCodes: string[];
  customerKey?: string | null;
  customerSegments?: string[];
  /** Hold one use of each applied coupon for this order reference (checkout), or only look (cart). */
  redeemFor?: string;
}

export interface CartQuote {
  variants: Map<string, VariantInfo>;
  price: PriceQuote;
  discounts: DiscountQuote;
  /** Coupons that did not apply, when only looking; redeeming refuses them instead. */
  couponErrors: UserError[];
}

/**
 * Prices a cart the way checkout charges it: catalog says what is for sale, pricing gives
 * unit prices (tiers, schedules) and the shipping rate, promotions the discounts on those
 * prices, and pricing again the tax on what is left, per line, to the minor unit.
 */
export class CartQuoter {
  constructor(private readonly clients: OrdersClients) {}

  async quote(request: QuoteRequest): Promise<CartQuote> {
    const variants = await this.clients.catalog.variants([
      ...new Set(request.lines.map((l) => l.variantId)),
    ]);
    request.lines.forEach((line, index) => {
      const variant = variants.get(line.variantId);
      if (!variant || variant.archived || variant.product.status !== 'ACTIVE') {
        throw new DomainError(
          'VARIANT_UNAVAILABLE',
          `${variant?.sku ?? line.variantId} is not for sale`,
          ['lines', String(index)],
        );
      }
    });
    const destination = {
      currency: request.currency,
      shippingCountry: request.country,
      shippingRegion: request.region ?? null,
    };
    const base = await this.clients.pricing.quote({ ...destination, lines: request.lines });

    const discountRequest: DiscountRequest = {
      currency: request.currency,
      customerKey: request.customerKey ?? null,
      customerSegments: request.customerSegments ?? [],
      couponCodes: request.couponCodes,
      shippingAmount: base.shippingAmount,
      lines: base.lines.map((priced) => {
        const variant = variants.get(priced.variantId)!;
        return {
          variantId: priced.variantId,
          productId: variant.product.id,
          categoryIds: categoryIds(variant),
          brandId: variant.product.brand?.id ?? null,
          quantity: priced.quantity,
          unitPrice: priced.unitPrice,
        };
      }),
    };
    let discounts: DiscountQuote;
    let couponErrors: UserError[] = [];
    if (request.redeemFor) {
      discounts = await this.clients.promotions.redeem(request.redeemFor, discountRequest);
    } else {
      const looked = await this.clients.promotions.quote(discountRequest);
      discounts = looked.quote ?? noDiscounts();
      couponErrors = looked.userErrors;
    }
    if (discounts.discountTotal === 0) return { variants, price: base, discounts, couponErrors };

    const discountOf = new Map(discounts.lines.map((l) => [l.variantId, l.discountAmount]));
    const price = await this.clients.pricing.quote({
      ...destination,
      lines: request.lines.map((l) => ({ ...l, discountAmount: discountOf.get(l.variantId) ?? 0 })),
      shippingDiscountAmount: discounts.shippingDiscountAmount,
    });
    return { variants, price, discounts, couponErrors };
  }
}

function noDiscounts(): DiscountQuote {
  return {
    lines: [],
    orderDiscountAmount: 0,
    shippingDiscountAmount: 0,
    discountTotal: 0,
    applied: [],
  };
}
