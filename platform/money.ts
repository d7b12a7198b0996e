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
