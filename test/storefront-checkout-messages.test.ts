import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKOUT_MESSAGES, checkoutMessage } from '../apps/storefront/lib/checkout-errors';
import { OrdersErrorCode } from '../subgraphs/orders/errors';

/**
 * The storefront shows a message of its own for every code the checkout flow can answer
 * with: a code added to subgraphs/orders/domain/checkout/ without one fails here.
 */
const CHECKOUT_DOMAIN = join(__dirname, '..', 'subgraphs', 'orders', 'domain', 'checkout');

function codesRaisedByCheckout(): string[] {
  const codes = new Set<string>();
  for (const file of readdirSync(CHECKOUT_DOMAIN).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(join(CHECKOUT_DOMAIN, file), 'utf8');
    for (const [, code] of source.matchAll(/OrdersErrorCode\.([A-Z_]+)/g)) codes.add(code!);
  }
  return [...codes].sort();
}

describe('the storefront’s checkout messages', () => {
  it('cover every code the checkout domain raises', () => {
    const codes = codesRaisedByCheckout();
    expect(codes.length).toBeGreaterThan(5);
    for (const code of codes) expect(OrdersErrorCode).toHaveProperty(code);
    expect(codes.filter((code) => !CHECKOUT_MESSAGES[code])).toEqual([]);
  });

  it('cover the cart checks checkout runs (stock, age, country, shipping, coupons)', () => {
    for (const code of [
      'VARIANT_UNAVAILABLE',
      'AGE_RESTRICTED',
      'COUNTRY_DENIED',
      'SHIPPING_UNAVAILABLE',
      'SHIPPING_METHOD_UNAVAILABLE',
      'COUPON_NOT_FOUND',
      'COUPON_EXHAUSTED',
    ])
      expect(CHECKOUT_MESSAGES[code]).toBeTruthy();
  });

  it('show a decline in the card network’s words and a field’s own validation message', () => {
    expect(
      checkoutMessage({
        code: 'PAYMENT_DECLINED',
        message: 'Your card has insufficient funds.',
        field: ['payment'],
      }),
    ).toBe('Your card has insufficient funds. Try another card.');
    expect(
      checkoutMessage({
        code: 'INVALID_INPUT',
        message: 'Not a postal code of DE',
        field: ['input', 'shippingAddress', 'postalCode'],
      }),
    ).toBe('Not a postal code of DE');
    expect(checkoutMessage({ code: 'PRICE_CHANGED', message: 'The total is now 100 EUR' })).toBe(
      CHECKOUT_MESSAGES.PRICE_CHANGED,
    );
    expect(checkoutMessage({ code: 'SOMETHING_NEW', message: 'As the API says' })).toBe(
      'As the API says',
    );
  });
});
