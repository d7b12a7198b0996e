import { DomainError, type UserError } from '../../../platform/errors';
import {
  categoryIds,
  type DiscountQuote,
  type DiscountRequest,
  type OrdersClients,
  type PriceQuote,
  type ShippingOption,
  type VariantInfo,
} from '../clients/index';
import { valueOf } from '../clients/raise';
import { type PricedLines, pricedLinesFor, stillPriced } from './priced-lines';
import { RequestAnswers } from './request-answers';
import { chooseShipping, COST_FIELDS, measuresOf, type ShippingFields } from './shipping-choice';

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
  /** unitPrice: staff's price for a draft order's line, instead of the lists'. */
  lines: { variantId: string; quantity: number; unitPrice?: number | null }[];
  country: string;
  region?: string | null;
  couponCodes: string[];
  customerKey?: string | null;
  customerSegments?: string[];
  /** Hold one use of each applied coupon for this order reference (checkout), or only look (cart). */
  redeemFor?: string;
  /** The buyer's shipping method; null: the default (shipping-choice.ts). */
  shippingMethodId?: string | null;
  /** Where shipping refusals point (cost arguments by default, checkout input for checkout). */
  shippingFields?: ShippingFields;
  /**
   * Checkout: the buyer whom catalog's visibility rules are checked for, in `country` (the
   * shipping address's); a restricted line is refused with AGE_RESTRICTED or COUNTRY_DENIED.
   */
  buyer?: { customerId: string | null };
  /** What this request already asked catalog and pricing (cartCreate's checks), reused when the same. */
  asked?: RequestAnswers;
  /**
   * Unit prices pricing gave earlier for these lines (the cart's `priced_lines`): used for
   * the first look when nothing is held on them, kept only if the final quote prices every
   * line the same, else the quote is made again from a fresh look.
   */
  pricedLines?: PricedLines | null;
}

export interface CartQuote {
  variants: Map<string, VariantInfo>;
  price: PriceQuote;
  discounts: DiscountQuote;
  /** Coupons that did not apply, when only looking; redeeming refuses them instead. */
  couponErrors: UserError[];
  /** Every method serving the destination, priced for the cart; `chosen` is the one charged. */
  shipping: { options: ShippingOption[]; chosen: ShippingOption };
}

/**
 * Prices a cart the way checkout charges it: catalog says what is for sale (and what it
 * weighs), pricing gives unit prices (tiers, schedules), shipping the methods and their
 * prices for the cart's value, item count and weight, promotions the discounts on those
 * prices, and pricing again the tax on what is left (the shipping amount too), per line,
 * to the minor unit.
 */
export class CartQuoter {
  constructor(private readonly clients: OrdersClients) {}

  /** One request's memory of catalog's and pricing's answers (loaders.ts keeps one per request). */
  requestAnswers(): RequestAnswers {
    return new RequestAnswers(this.clients);
  }

  async quote(request: QuoteRequest): Promise<CartQuote> {
    // A coupon redemption is keyed by its reference and cannot be asked again with other
    // prices: a quote that holds coupons starts from pricing's own look.
    const kept = holdsCoupons(request)
      ? null
      : pricedLinesFor(request.pricedLines, request.currency, request.lines);
    const asked = request.asked ?? this.requestAnswers();
    const quote = await this.quoteFrom(request, asked, kept);
    if (!kept || stillPriced(kept, quote.price)) return quote;
    return this.quoteFrom(request, asked, null);
  }

  private async quoteFrom(
    request: QuoteRequest,
    asked: RequestAnswers,
    kept: PricedLines | null,
  ): Promise<CartQuote> {
    const buyer = request.buyer
      ? { customerId: request.buyer.customerId, country: request.country }
      : null;
    const destination = {
      currency: request.currency,
      shippingCountry: request.country,
      shippingRegion: request.region ?? null,
    };
    // Catalog and pricing's first look do not depend on each other: asked at once, catalog's
    // refusals still come first (pricing's answer, or error, waits for them).
    const [looked, priced] = await Promise.allSettled([
      asked.variants([...new Set(request.lines.map((l) => l.variantId))], buyer),
      kept ?? asked.priceQuote({ ...destination, lines: request.lines }),
    ]);
    const variants = settled(looked);
    request.lines.forEach((line, index) => {
      const variant = variants.get(line.variantId);
      if (!variant || variant.archived || variant.product.status !== 'ACTIVE') {
        throw new DomainError(
          'VARIANT_UNAVAILABLE',
          `${variant?.sku ?? line.variantId} is not for sale`,
          ['lines', String(index)],
        );
      }
      if (buyer && variant.saleRestriction) {
        throw new DomainError(
          variant.saleRestriction,
          `${variant.sku} cannot be sold to this buyer in ${request.country}`,
          ['lines', String(index)],
        );
      }
    });
    const base = settled(priced);
    const fields = request.shippingFields ?? COST_FIELDS;
    const measures = measuresOf(request.lines, variants);
    const shippingFor = (orderValue: number) =>
      this.clients.shipping.options({
        country: request.country,
        region: request.region ?? null,
        currency: request.currency,
        orderValue,
        itemCount: measures.itemCount,
        weightGrams: measures.weightGrams,
      });
    // Priced on the undiscounted value first: promotions need a shipping amount to discount.
    let options = await shippingFor(base.subtotal);
    let chosen = chooseShipping(options, request.shippingMethodId, fields);

    const discountRequest: DiscountRequest = {
      currency: request.currency,
      customerKey: request.customerKey ?? null,
      customerSegments: request.customerSegments ?? [],
      couponCodes: request.couponCodes,
      shippingAmount: chosen.price.amount,
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
    if (holdsCoupons(request)) {
      discounts = await this.clients.promotions.redeem(request.redeemFor!, discountRequest);
    } else {
      const looked = await this.clients.promotions.quote(discountRequest);
      // Checkout without codes: a look is what redeeming would compute, and a refusal is one.
      discounts = request.redeemFor
        ? valueOf(looked, looked.quote, 'discount quote')
        : (looked.quote ?? noDiscounts());
      couponErrors = looked.userErrors;
    }
    // Free-over thresholds and value bands measure what the buyer pays for the goods: a
    // discount that takes the cart under a threshold makes shipping cost again.
    const merchandiseDiscount = discounts.discountTotal - discounts.shippingDiscountAmount;
    let shippingDiscountAmount = discounts.shippingDiscountAmount;
    if (merchandiseDiscount > 0) {
      const tentative = chosen.price.amount;
      options = await shippingFor(base.subtotal - merchandiseDiscount);
      chosen = chooseShipping(options, request.shippingMethodId ?? chosen.method.id, fields);
      // A promotion that made shipping free (all of it) keeps it free at the new price.
      // Promotions are not asked again: checkout's redemption is keyed by its reference
      // and must be asked the same on a retry (a second look would see its own hold). So a
      // free-shipping coupon on a cart that was free anyway before the discount takes
      // nothing off the new price (README: known limitation).
      if (shippingDiscountAmount > 0 && shippingDiscountAmount >= tentative)
        shippingDiscountAmount = chosen.price.amount;
    }

    const discountOf = new Map(discounts.lines.map((l) => [l.variantId, l.discountAmount]));
    const price = await this.clients.pricing.quote({
      ...destination,
      lines: request.lines.map((l) => ({ ...l, discountAmount: discountOf.get(l.variantId) ?? 0 })),
      shippingAmount: chosen.price.amount,
      shippingDiscountAmount,
    });
    return { variants, price, discounts, couponErrors, shipping: { options, chosen } };
  }
}

/**
 * Only coupons are held (promotions counts their uses); automatic promotions are not. A
 * checkout without codes has nothing to hold, so it looks instead of redeeming, and
 * nothing is confirmed or released for it.
 */
export function holdsCoupons(request: Pick<QuoteRequest, 'redeemFor' | 'couponCodes'>): boolean {
  return !!request.redeemFor && request.couponCodes.length > 0;
}

/** The value of a call asked alongside another, or its error. */
export function settled<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
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
