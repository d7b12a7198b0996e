import { dataOf } from '../platform/testing/graphql-client';
import { startTestPlatform, type TestPlatform } from './support/platform';
import {
  ADDRESS,
  applyCodes,
  createCoupon,
  createProduct,
  createWarehouse,
  receiveStock,
  stockOf,
} from './support/shop';

/**
 * Totals to the minor unit, worked by hand: a 10 % order coupon, spread over the lines
 * by largest remainder; tax per line on what is left, half-up. EUR prices include 19 %
 * German VAT; USD prices exclude 7.25 % California sales tax, which shipping pays too.
 */
let platform: TestPlatform;
let tote: string;
let mug: string;

const COST = `cost(countryCode: $country, region: $region) {
  subtotal { amount currency } discountTotal { amount } shipping { amount } tax { amount } total { amount } taxInclusive
  discounts { code amount { amount } } couponErrors { code }
}`;

beforeAll(async () => {
  platform = await startTestPlatform('totals');
  const product = await createProduct(platform, 'Market Tote', [
    { sku: 'MKT-TOTE', price: 0, prices: { EUR: 2999, USD: 3249 } },
    { sku: 'MKT-MUG', price: 0, prices: { EUR: 1250, USD: 1350 } },
  ]);
  [tote, mug] = product.variants.map((v) => v.id) as [string, string];
  const warehouse = await createWarehouse(platform, 'MKT-1');
  await receiveStock(platform, 'MKT-TOTE', warehouse, 50);
  await receiveStock(platform, 'MKT-MUG', warehouse, 50);
  await createCoupon(platform, 'SAVE10', { kind: 'PERCENTAGE_ORDER', value: 1000 });
});

afterAll(async () => {
  await platform?.stop();
});

async function cart(currency: string): Promise<string> {
  const id = dataOf(
    await platform.query(
      `mutation ($input: CartCreateInput) { cartCreate(input: $input) { cart { id } userErrors { code message } } }`,
      {
        input: {
          currency,
          lines: [
            { variantId: tote, quantity: 3 },
            { variantId: mug, quantity: 1 },
          ],
        },
      },
    ),
  ).cartCreate.cart.id;
  await applyCodes(platform, id, ['save10']);
  return id;
}

async function checkout(cartId: string, key: string, address: object, expectedTotal?: object) {
  return dataOf(
    await platform.query(
      `mutation ($input: CheckoutInput!) { checkout(input: $input) {
        order { id status subtotal { amount } discountTotal { amount } shipping { amount } tax { amount } total { amount currency } taxInclusive
                discountCodes lines { sku unitPrice { amount } discount { amount } tax { amount } lineTotal { amount } } }
        userErrors { field code message }
      } }`,
      {
        input: {
          cartId,
          idempotencyKey: key,
          email: 'ada@example.com',
          shippingAddress: address,
          payment: { token: 'tok_visa' },
          expectedTotal,
        },
      },
    ),
  ).checkout;
}

describe('checkout totals to the minor unit', () => {
  it('EUR, tax-inclusive (DE 19 %), 10 % coupon, free shipping over 50 EUR', async () => {
    const cartId = await cart('EUR');
    const cost = dataOf(
      await platform.query(
        `query ($id: ID!, $country: String, $region: String) { cart(id: $id) { ${COST} } }`,
        { id: cartId, country: 'DE' },
      ),
    ).cart.cost;
    // 3 × 29.99 + 12.50 = 102.47; 10 % = 10.247 → 10.25, split 9.00 + 1.25.
    expect(cost).toEqual({
      subtotal: { amount: 10247, currency: 'EUR' },
      discountTotal: { amount: 1025 },
      shipping: { amount: 0 },
      // Inside the prices: round(80.97 × 19/119) = 12.93 and round(11.25 × 19/119) = 1.80.
      tax: { amount: 1473 },
      total: { amount: 9222 },
      taxInclusive: true,
      discounts: [{ code: 'SAVE10', amount: { amount: 1025 } }],
      couponErrors: [],
    });

    const result = await checkout(cartId, 'totals-eur-0001', ADDRESS, {
      amount: 9222,
      currency: 'EUR',
    });
    expect(result.userErrors).toEqual([]);
    expect(result.order).toMatchObject({
      status: 'PENDING',
      subtotal: { amount: 10247 },
      discountTotal: { amount: 1025 },
      shipping: { amount: 0 },
      tax: { amount: 1473 },
      total: { amount: 9222, currency: 'EUR' },
      taxInclusive: true,
      discountCodes: ['SAVE10'],
      lines: [
        {
          sku: 'MKT-TOTE',
          unitPrice: { amount: 2999 },
          discount: { amount: 900 },
          tax: { amount: 1293 },
          lineTotal: { amount: 8097 },
        },
        {
          sku: 'MKT-MUG',
          unitPrice: { amount: 1250 },
          discount: { amount: 125 },
          tax: { amount: 180 },
          lineTotal: { amount: 1125 },
        },
      ],
    });
    const payments = dataOf(
      await platform.query(
        `query ($id: ID!) { order(id: $id) { payments { amount { amount currency } } } }`,
        { id: result.order.id },
      ),
    ).order.payments;
    expect(payments).toEqual([{ amount: { amount: 9222, currency: 'EUR' } }]);
  });

  it('USD, tax-exclusive (US-CA 7.25 %), 10 % coupon, shipping charged and taxed', async () => {
    const cartId = await cart('USD');
    const cost = dataOf(
      await platform.query(
        `query ($id: ID!, $country: String, $region: String) { cart(id: $id) { ${COST} } }`,
        { id: cartId, country: 'US', region: 'CA' },
      ),
    ).cart.cost;
    // 3 × 32.49 + 13.50 = 110.97; 10 % = 11.097 → 11.10, split 9.75 + 1.35; 99.87 < 100 ships for 7.95.
    // Tax: round(87.72 × 7.25 %) = 6.36, round(12.15 × 7.25 %) = 0.88, round(7.95 × 7.25 %) = 0.58.
    expect(cost).toEqual({
      subtotal: { amount: 11097, currency: 'USD' },
      discountTotal: { amount: 1110 },
      shipping: { amount: 795 },
      tax: { amount: 782 },
      total: { amount: 11564 },
      taxInclusive: false,
      discounts: [{ code: 'SAVE10', amount: { amount: 1110 } }],
      couponErrors: [],
    });
    const result = await checkout(cartId, 'totals-usd-0001', {
      ...ADDRESS,
      city: 'San Francisco',
      postalCode: '94103',
      region: 'CA',
      country: 'US',
    });
    expect(result.userErrors).toEqual([]);
    expect(result.order).toMatchObject({
      total: { amount: 11564, currency: 'USD' },
      tax: { amount: 782 },
      taxInclusive: false,
      lines: [
        {
          sku: 'MKT-TOTE',
          unitPrice: { amount: 3249 },
          discount: { amount: 975 },
          tax: { amount: 636 },
          lineTotal: { amount: 9408 },
        },
        {
          sku: 'MKT-MUG',
          unitPrice: { amount: 1350 },
          discount: { amount: 135 },
          tax: { amount: 88 },
          lineTotal: { amount: 1303 },
        },
      ],
    });
    // The lines, the shipping and its tax add up to the total, cent for cent.
    const lineSum = result.order.lines.reduce(
      (n: number, l: { lineTotal: { amount: number } }) => n + l.lineTotal.amount,
      0,
    );
    expect(lineSum + 795 + 58).toBe(11564);
  });

  it('refuses a total that changed since the buyer saw it, and holds nothing', async () => {
    const cartId = await cart('EUR');
    const before = await stockOf(platform, 'MKT-TOTE');
    const result = await checkout(cartId, 'totals-changed-0001', ADDRESS, {
      amount: 9999,
      currency: 'EUR',
    });
    expect(result.order).toBeNull();
    expect(result.userErrors).toEqual([
      { field: ['expectedTotal'], code: 'PRICE_CHANGED', message: expect.stringContaining('9222') },
    ]);
    expect(await stockOf(platform, 'MKT-TOTE')).toEqual(before);
  });
});
