import { DomainError } from './errors';

/** Money is an integer amount of minor units (cents) and an ISO 4217 currency code. */
export interface Money {
  amount: number;
  currency: string;
}

const CURRENCY = /^[A-Z]{3}$/;

export function money(amount: number, currency: string): Money {
  if (!Number.isSafeInteger(amount)) {
    throw new DomainError('INVALID_AMOUNT', `Amount must be an integer number of minor units`, [
      'amount',
    ]);
  }
  if (!CURRENCY.test(currency)) {
    throw new DomainError('INVALID_CURRENCY', `Currency must be an ISO 4217 code`, ['currency']);
  }
  return { amount, currency };
}

export function zero(currency: string): Money {
  return money(0, currency);
}

export function add(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return money(a.amount + b.amount, a.currency);
}

export function multiply(a: Money, quantity: number): Money {
  if (!Number.isSafeInteger(quantity)) throw new Error('quantity must be an integer');
  return money(a.amount * quantity, a.currency);
}

export function sum(items: Money[], currency: string): Money {
  return items.reduce(add, zero(currency));
}

function assertSameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new DomainError('CURRENCY_MISMATCH', `Cannot combine ${a.currency} and ${b.currency}`);
  }
}

/**
 * numerator / denominator rounded half-up (half away from zero), in exact BigInt
 * arithmetic: the one money rounding of the platform (tax in pricing, percentages in
 * promotions). 0.5 of a minor unit and above goes up; negative values mirror positive ones
 * so that a refund mirrors its charge. denominator > 0.
 */
export function divideRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  const quotient = magnitude / denominator;
  const remainder = magnitude % denominator;
  const rounded = remainder * 2n >= denominator ? quotient + 1n : quotient;
  return negative ? -rounded : rounded;
}

/** amount × numerator / denominator, rounded half-up to the minor unit; throws past 2^53. */
export function scaleRoundHalfUp(amount: number, numerator: number, denominator: number): number {
  const result = Number(divideRoundHalfUp(BigInt(amount) * BigInt(numerator), BigInt(denominator)));
  if (!Number.isSafeInteger(result)) throw new RangeError('result is not a safe integer');
  return result;
}
