import { divideRoundHalfUp } from '../../platform/money';

/**
 * Tax arithmetic for money in integer minor units.
 *
 * Rules (the SDL of `priceQuote` states the same):
 * - Rates are integer basis points: 1900 = 19 %, 725 = 7.25 %.
 * - Tax is computed per line (and once for shipping), never on a cart total, and each
 *   result is rounded half-up to the minor unit: 0.5 cent and above goes up, below 0.5
 *   goes down. (Negative inputs round half away from zero, so that a refund mirrors
 *   its charge exactly.)
 * - Tax-exclusive amounts (net): `tax = round(net × rate)`, gross = net + tax.
 * - Tax-inclusive amounts (gross): `tax = round(gross × rate / (1 + rate))`,
 *   net = gross − tax, so net + tax is always exactly the gross.
 * - Rounding is platform/money.ts's divideRoundHalfUp, the platform's one half-up rule.
 * - All multiplication and division runs in BigInt: no float ever touches an amount,
 *   so amounts up to 10^12 minor units (and far beyond) are exact.
 */

export const BASIS_POINTS = 10_000n;
export const MAX_RATE_BASIS_POINTS = 10_000;

function checkInputs(amount: number, rateBasisPoints: number): void {
  if (!Number.isSafeInteger(amount))
    throw new RangeError('amount must be a safe integer of minor units');
  if (
    !Number.isInteger(rateBasisPoints) ||
    rateBasisPoints < 0 ||
    rateBasisPoints > MAX_RATE_BASIS_POINTS
  ) {
    throw new RangeError(`rate must be 0..${MAX_RATE_BASIS_POINTS} basis points`);
  }
}

function toSafeNumber(value: bigint): number {
  const result = Number(value);
  if (!Number.isSafeInteger(result)) throw new RangeError('result is not a safe integer');
  return result;
}

/** The tax on a tax-exclusive (net) amount: round(net × rate). */
export function taxOnNet(net: number, rateBasisPoints: number): number {
  checkInputs(net, rateBasisPoints);
  return toSafeNumber(divideRoundHalfUp(BigInt(net) * BigInt(rateBasisPoints), BASIS_POINTS));
}

/** The tax contained in a tax-inclusive (gross) amount: round(gross × rate / (1 + rate)). */
export function taxInGross(gross: number, rateBasisPoints: number): number {
  checkInputs(gross, rateBasisPoints);
  return toSafeNumber(
    divideRoundHalfUp(
      BigInt(gross) * BigInt(rateBasisPoints),
      BASIS_POINTS + BigInt(rateBasisPoints),
    ),
  );
}

/** The tax of an amount under the price list's mode. */
export function taxOf(amount: number, rateBasisPoints: number, taxInclusive: boolean): number {
  return taxInclusive ? taxInGross(amount, rateBasisPoints) : taxOnNet(amount, rateBasisPoints);
}

/** a × b for amounts and quantities, exact; throws when the product is not a safe integer. */
export function multiplyExact(a: number, b: number): number {
  return toSafeNumber(BigInt(a) * BigInt(b));
}
