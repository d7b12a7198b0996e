import { PricingErrorCode } from './errors';
import { DomainError } from '../../platform/errors';
import { multiplyExact, taxOf } from './rounding';

/**
 * The arithmetic of a quote, pure: priced lines in, every amount out, in minor units.
 *
 * - lineSubtotal = unitPrice × quantity; the discount is capped at lineSubtotal, so the
 *   taxable amount lineSubtotal − discountAmount is never below 0.
 * - Tax per line on the discounted amount, and once on the discounted shipping, rounded
 *   half-up (see rounding.ts).
 * - Tax-exclusive lists: lineTotal = taxable + tax and
 *   total = subtotal − discountTotal + shipping − shippingDiscount + taxTotal.
 * - Tax-inclusive lists: the tax is inside the amounts, lineTotal = taxable and
 *   total = subtotal − discountTotal + shipping − shippingDiscount.
 * - Shipping is free when subtotal − discountTotal >= freeOver; an empty cart ships nothing.
 * So total = Σ lineTotal + shippingAmount − shippingDiscountAmount (+ shippingTaxAmount
 * when exclusive), exactly.
 */

/** GraphQL Int is 32-bit: a quote whose amounts do not fit is refused, not truncated. */
export const MAX_QUOTE_AMOUNT = 2_147_483_647;

export interface PricedLine {
  variantId: string;
  quantity: number;
  unitPrice: number;
  discountAmount: number;
}

export interface ShippingTerms {
  amount: number;
  freeOver: number | null;
}

export interface QuoteCalculation {
  currency: string;
  taxInclusive: boolean;
  taxRateBasisPoints: number;
  lines: PricedLine[];
  /** Null when nothing is shipped (no rate applies). */
  shipping: ShippingTerms | null;
  shippingDiscountAmount: number;
}

export interface QuoteLine {
  variantId: string;
  quantity: number;
  unitPrice: number;
  lineSubtotal: number;
  discountAmount: number;
  taxAmount: number;
  lineTotal: number;
}

export interface Quote {
  currency: string;
  taxInclusive: boolean;
  taxRateBasisPoints: number;
  lines: QuoteLine[];
  subtotal: number;
  discountTotal: number;
  shippingAmount: number;
  shippingDiscountAmount: number;
  shippingTaxAmount: number;
  taxTotal: number;
  total: number;
}

export function calculateQuote(input: QuoteCalculation): Quote {
  const { taxInclusive, taxRateBasisPoints: rate } = input;
  const lines = input.lines.map((line, index): QuoteLine => {
    if (BigInt(line.unitPrice) * BigInt(line.quantity) > BigInt(MAX_QUOTE_AMOUNT)) {
      throw new DomainError(
        PricingErrorCode.AMOUNT_TOO_LARGE,
        `Line ${index + 1} exceeds ${MAX_QUOTE_AMOUNT} minor units`,
        ['lines', String(index)],
      );
    }
    const lineSubtotal = multiplyExact(line.unitPrice, line.quantity);
    const discountAmount = Math.min(line.discountAmount, lineSubtotal);
    const taxable = lineSubtotal - discountAmount;
    const taxAmount = taxOf(taxable, rate, taxInclusive);
    const lineTotal = taxInclusive ? taxable : taxable + taxAmount;
    const { variantId, quantity, unitPrice } = line;
    return { variantId, quantity, unitPrice, lineSubtotal, discountAmount, taxAmount, lineTotal };
  });
  const subtotal = sum(lines.map((l) => l.lineSubtotal));
  const discountTotal = sum(lines.map((l) => l.discountAmount));
  const merchandise = subtotal - discountTotal;

  const ships = input.shipping !== null && lines.length > 0;
  const isFree =
    ships && input.shipping!.freeOver !== null && merchandise >= input.shipping!.freeOver;
  const shippingAmount = ships && !isFree ? input.shipping!.amount : 0;
  const shippingDiscountAmount = Math.min(input.shippingDiscountAmount, shippingAmount);
  const shippingTaxable = shippingAmount - shippingDiscountAmount;
  const shippingTaxAmount = taxOf(shippingTaxable, rate, taxInclusive);

  const taxTotal = sum(lines.map((l) => l.taxAmount)) + shippingTaxAmount;
  const total = merchandise + shippingTaxable + (taxInclusive ? 0 : taxTotal);
  const quote: Quote = {
    currency: input.currency,
    taxInclusive,
    taxRateBasisPoints: rate,
    lines,
    subtotal,
    discountTotal,
    shippingAmount,
    shippingDiscountAmount,
    shippingTaxAmount,
    taxTotal,
    total,
  };
  checkRange(quote);
  return quote;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function checkRange(quote: Quote): void {
  const amounts = [
    quote.subtotal,
    quote.total,
    quote.taxTotal,
    quote.shippingAmount,
    ...quote.lines.map((l) => l.lineTotal),
  ];
  if (amounts.some((amount) => amount > MAX_QUOTE_AMOUNT)) {
    throw new DomainError(
      PricingErrorCode.AMOUNT_TOO_LARGE,
      `A quote amount exceeds ${MAX_QUOTE_AMOUNT} minor units`,
      ['lines'],
    );
  }
}
