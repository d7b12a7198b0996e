import { DomainError } from '../../../platform/errors';
import { PricingErrorCode } from '../errors';
import { effectivePrice } from '../price-rules';
import { calculateQuote, type Quote } from '../quote';
import type { PriceLists } from './price-lists';
import type { Prices } from './prices';
import { checkCountry, checkRegion, normalizeCurrency, parseTime } from './rules';
import type { TaxAndShipping } from './tax-and-shipping';

export interface PriceQuoteInput {
  currency: string;
  shippingCountry: string;
  shippingRegion?: string | null;
  lines: {
    variantId: string;
    quantity: number;
    discountAmount?: number | null;
    /** Staff's price for the line (draft orders), instead of the lists'. */
    unitPrice?: number | null;
  }[];
  /** What shipping charges for the chosen method (shipping's quote), before tax. */
  shippingAmount?: number | null;
  shippingDiscountAmount?: number | null;
  at?: string | null;
}

const MAX_QUOTE_LINES = 200;

/** Prices a cart (checkout's priceQuote): reads only, the arithmetic is quote.ts's. */
export class Quotes {
  constructor(
    private readonly lists: PriceLists,
    private readonly prices: Prices,
    private readonly taxes: TaxAndShipping,
  ) {}

  /**
   * Validates the input, reads the public lists, the prices valid at `at` and the tax
   * rule, then leaves the arithmetic to quote.ts. The shipping amount is the caller's
   * (the shipping subgraph prices methods); pricing only taxes it at the destination's
   * rate. Variant ids are parsed by the caller.
   */
  async quote(input: PriceQuoteInput, now = new Date()): Promise<Quote> {
    const currency = normalizeCurrency(input.currency, ['currency']);
    const country = checkCountry(input.shippingCountry, ['shippingCountry']);
    const region = checkRegion(country, input.shippingRegion, ['shippingRegion']);
    const at = parseTime(input.at, 'at') ?? now;
    if (input.lines.length > MAX_QUOTE_LINES) {
      throw new DomainError(
        PricingErrorCode.TOO_MANY_LINES,
        `A quote has at most ${MAX_QUOTE_LINES} lines`,
        ['lines'],
      );
    }
    const lines = input.lines.map((line, index) => {
      if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0) {
        throw new DomainError(
          PricingErrorCode.INVALID_QUANTITY,
          'Quantity must be a positive whole number',
          ['lines', String(index), 'quantity'],
        );
      }
      const discountAmount = line.discountAmount ?? 0;
      if (!Number.isSafeInteger(discountAmount) || discountAmount < 0) {
        throw new DomainError(
          PricingErrorCode.INVALID_AMOUNT,
          'A discount must be 0 or more minor units',
          ['lines', String(index), 'discountAmount'],
        );
      }
      const unitPrice = line.unitPrice ?? null;
      if (unitPrice !== null && (!Number.isSafeInteger(unitPrice) || unitPrice < 0)) {
        throw new DomainError(
          PricingErrorCode.INVALID_AMOUNT,
          'A unit price must be 0 or more minor units',
          ['lines', String(index), 'unitPrice'],
        );
      }
      return { variantId: line.variantId, quantity: line.quantity, discountAmount, unitPrice };
    });
    const shippingDiscountAmount = input.shippingDiscountAmount ?? 0;
    if (!Number.isSafeInteger(shippingDiscountAmount) || shippingDiscountAmount < 0) {
      throw new DomainError(
        PricingErrorCode.INVALID_AMOUNT,
        'A discount must be 0 or more minor units',
        ['shippingDiscountAmount'],
      );
    }
    const shippingAmount = input.shippingAmount ?? 0;
    if (!Number.isSafeInteger(shippingAmount) || shippingAmount < 0) {
      throw new DomainError(
        PricingErrorCode.INVALID_AMOUNT,
        'A shipping amount must be 0 or more minor units',
        ['shippingAmount'],
      );
    }

    // Shoppers are priced from public lists only: an internal list (WHOLESALE) never applies.
    const lists = await this.lists.publicListsOf(currency);
    if (lists.length === 0)
      throw new DomainError(PricingErrorCode.UNKNOWN_CURRENCY, `Nothing is priced in ${currency}`, [
        'currency',
      ]);
    const variantIds = [...new Set(lines.map((l) => l.variantId))];
    const [rows, rate] = await Promise.all([
      this.prices.pricesValidAt(
        variantIds,
        lists.map((l) => l.id),
        at,
      ),
      this.taxes.taxRateFor(country, region),
    ]);
    const priced = lines.map(({ unitPrice, ...line }, index) => {
      if (unitPrice !== null) return { ...line, unitPrice };
      const price = effectivePrice(
        rows.filter((r) => r.variantId === line.variantId),
        currency,
        line.quantity,
        at,
      );
      if (!price) {
        throw new DomainError(
          PricingErrorCode.VARIANT_NOT_PRICED,
          `Variant ${line.variantId} has no ${currency} price`,
          ['lines', String(index)],
        );
      }
      return { ...line, unitPrice: price.amount };
    });
    return calculateQuote({
      currency,
      taxInclusive: lists[0]!.taxInclusive,
      taxRateBasisPoints: rate,
      lines: priced,
      // Free-over thresholds are shipping's: the amount given is the amount charged.
      shipping: { amount: shippingAmount, freeOver: null },
      shippingDiscountAmount,
    });
  }
}
