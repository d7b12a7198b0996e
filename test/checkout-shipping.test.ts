import { dataOf } from '../platform/testing/graphql-client';
import { startTestPlatform, type TestPlatform } from './support/platform';
import {
  ADDRESS,
  applyCodes,
  createCoupon,
  createProduct,
  createWarehouse,
  receiveStock,
} from './support/shop';

/**
 * Issue 12's shipping part through the router: the cart lists the methods that serve its
 * destination, priced by the shipping subgraph for the cart's value, item count and
 * weight (catalog's variant weights); the chosen one is in the cost and in the order, its
 * tax on top (USD) or inside (EUR) as pricing computes it. Demo zones and rates
 * (subgraphs/shipping/domain/demo.ts): DE standard 4.95 EUR free from 50, express by
 * weight 12.90 / 18.90 / 29.90; California ground 7.95 USD, next day 14.99.
 */
let platform: TestPlatform;
let kettle: string; // 800 g, 20.00 EUR / USD
let anvil: string; // 12 kg, 30.00 EUR
let feather: string; // never weighed

const CALIFORNIA = {
  name: 'Ada Lovelace',
  line1: '1 Infinite Loop',
  city: 'Cupertino',
  region: 'CA',
  postalCode: '95014',
  country: 'US',
};
const LONDON = {
  name: 'Ada Lovelace',
  line1: '10 Downing Street',
  city: 'London',
  postalCode: 'SW1A 2AA',
  country: 'GB',
};

const VARIANT_UPDATE = `mutation ($id: ID!, $input: ProductVariantUpdateInput!) {
  productVariantUpdate(id: $id, input: $input) {
    variant { id weightGrams dimensions { lengthMm widthMm heightMm } }
    userErrors { field code message }
  }
}`;

async function weigh(id: string, input: Record<string, unknown>) {
  return dataOf(await platform.query(VARIANT_UPDATE, { id, input })).productVariantUpdate;
}

beforeAll(async () => {
  platform = await startTestPlatform('checkout-shipping');
  const product = await createProduct(platform, 'Workshop Goods', [
    { sku: 'SHP-KETTLE', price: 0, prices: { EUR: 2000, USD: 2000 } },
    { sku: 'SHP-ANVIL', price: 0, prices: { EUR: 3000 } },
    { sku: 'SHP-FEATHER', price: 0, prices: { EUR: 1000 } },
  ]);
  [kettle, anvil, feather] = product.variants.map((v) => v.id) as [string, string, string];
  expect((await weigh(kettle, { weightGrams: 800 })).userErrors).toEqual([]);
  expect((await weigh(anvil, { weightGrams: 12_000 })).userErrors).toEqual([]);
  const warehouse = await createWarehouse(platform, 'SHP-1');
  for (const sku of ['SHP-KETTLE', 'SHP-ANVIL', 'SHP-FEATHER'])
    await receiveStock(platform, sku, warehouse, 50);
});

afterAll(async () => {
  await platform?.stop();
});

async function cart(currency: string, lines: [string, number][]): Promise<string> {
  const data = dataOf(
    await platform.query(
      `mutation ($input: CartCreateInput) { cartCreate(input: $input) { cart { id } userErrors { code message } } }`,
      {
        input: { currency, lines: lines.map(([variantId, quantity]) => ({ variantId, quantity })) },
      },
    ),
  );
  expect(data.cartCreate.userErrors).toEqual([]);
  return data.cartCreate.cart.id;
}

interface Option {
  method: { id: string; name: string; kind: string; carrier: string };
  price: { amount: number; currency: string };
  free: boolean;
}

async function optionsOf(cartId: string, country: string, region?: string): Promise<Option[]> {
  const response = await platform.query(
    `query ($id: ID!, $country: String, $region: String) { cart(id: $id) {
      shippingOptions(countryCode: $country, region: $region) {
        method { id name kind carrier } price { amount currency } free
      } } }`,
    { id: cartId, country, region },
  );
  expect(response.errors).toBeUndefined();
  return response.data!.cart.shippingOptions;
}

async function costOf(cartId: string, country: string, region?: string, methodId?: string) {
  const response = await platform.query(
    `query ($id: ID!, $country: String, $region: String, $method: ID) { cart(id: $id) {
      id
      cost(countryCode: $country, region: $region, shippingMethodId: $method) {
        subtotal { amount } shipping { amount } tax { amount } total { amount currency }
        shippingMethod { id name } errors { field code }
      } } }`,
    { id: cartId, country, region, method: methodId },
  );
  expect(response.errors).toBeUndefined();
  return response.data!.cart;
}

async function checkout(cartId: string, key: string, input: Record<string, unknown>) {
  return dataOf(
    await platform.query(
      `mutation ($input: CheckoutInput!) { checkout(input: $input) {
        order { id total { amount currency } shipping { amount } tax { amount }
                shippingMethod { methodId name carrier amount { amount currency } } }
        userErrors { field code message }
      } }`,
      {
        input: {
          cartId,
          idempotencyKey: key,
          email: 'ada@example.com',
          shippingAddress: ADDRESS,
          payment: { token: 'tok_visa' },
          ...input,
        },
      },
    ),
  ).checkout;
}

const named = (options: Option[], name: string) => options.find((o) => o.method.name === name)!;

describe('shipping methods in the cart and checkout', () => {
  it('lists the methods of the destination, priced for the cart, cheapest first', async () => {
    const id = await cart('EUR', [[kettle, 1]]);
    const options = await optionsOf(id, 'DE');
    expect(options.map((o) => [o.method.name, o.method.kind, o.price.amount, o.free])).toEqual([
      ['Pick up in Berlin', 'LOCAL_PICKUP', 0, true],
      ['DHL Packstation', 'PICKUP_POINT', 390, false],
      ['DHL Standard', 'STANDARD', 495, false],
      ['DHL Express', 'EXPRESS', 1290, false], // 800 g: the 1-2 kg band
    ]);
    expect(options.every((o) => o.method.carrier === 'DHL-sandbox')).toBe(true);
    // No method chosen: the cheapest STANDARD one is priced and shown, not the pickup.
    const { cost } = await costOf(id, 'DE');
    expect(cost.shippingMethod).toEqual({
      id: named(options, 'DHL Standard').method.id,
      name: 'DHL Standard',
    });
    expect(cost).toMatchObject({
      subtotal: { amount: 2000 },
      shipping: { amount: 495 },
      errors: [],
    });
    expect(cost.total.amount).toBe(2495);
  });

  it('charges the chosen method: express instead of standard moves the total by exactly the difference', async () => {
    // EUR, tax-inclusive: the total moves by the price difference, its VAT inside it.
    const eur = await cart('EUR', [[kettle, 1]]);
    const eurOptions = await optionsOf(eur, 'DE');
    const standard = (await costOf(eur, 'DE')).cost;
    const expressId = named(eurOptions, 'DHL Express').method.id;
    const express = (await costOf(eur, 'DE', undefined, expressId)).cost;
    expect(express.shipping.amount).toBe(1290);
    expect(express.total.amount - standard.total.amount).toBe(1290 - 495);
    // 19 % inside: 1290 × 19/119 = 205.97 → 206, 495 × 19/119 = 79.03 → 79.
    expect(express.tax.amount - standard.tax.amount).toBe(206 - 79);

    // USD, tax-exclusive (US-CA 7.25 %): the difference plus the tax on it, to the cent.
    const usd = await cart('USD', [[kettle, 1]]);
    const usdOptions = await optionsOf(usd, 'US', 'CA');
    expect(usdOptions.map((o) => [o.method.name, o.price.amount])).toEqual([
      ['UPS Ground California', 795],
      ['UPS Next Day California', 1499],
    ]);
    const ground = (await costOf(usd, 'US', 'CA')).cost;
    const nextDayId = named(usdOptions, 'UPS Next Day California').method.id;
    const nextDay = (await costOf(usd, 'US', 'CA', nextDayId)).cost;
    // Shipping tax: 1499 × 7.25 % = 108.68 → 109; 795 × 7.25 % = 57.64 → 58.
    expect(nextDay.total.amount - ground.total.amount).toBe(1499 - 795 + (109 - 58));
    expect(nextDay.total.amount).toBe(2000 + 145 + 1499 + 109); // line tax 2000 × 7.25 % = 145

    // Checkout charges what the cost showed, and the order keeps the method.
    const placed = await checkout(usd, 'ship-usd-next-day', {
      shippingAddress: CALIFORNIA,
      shippingMethodId: nextDayId,
      expectedTotal: nextDay.total,
    });
    expect(placed.userErrors).toEqual([]);
    expect(placed.order).toMatchObject({
      total: nextDay.total,
      shipping: { amount: 1499 },
      shippingMethod: {
        methodId: nextDayId,
        name: 'UPS Next Day California',
        carrier: 'UPS-sandbox',
        amount: { amount: 1499, currency: 'USD' },
      },
    });
    // Captured, the order's confirmed event tells fulfillment and shipping the method.
    const captured = dataOf(
      await platform.query(
        `mutation ($id: ID!) { orderCapture(id: $id) { order { status } userErrors { code } } }`,
        { id: placed.order.id },
      ),
    ).orderCapture;
    expect(captured).toEqual({ order: { status: 'CONFIRMED' }, userErrors: [] });
    const [event] = await platform.subgraphs.orders!.dataSource.query(
      `SELECT payload FROM orders.outbox WHERE topic = 'orders.order.confirmed' AND payload->>'orderId' = $1`,
      [placed.order.id],
    );
    expect(event.payload.shippingMethod).toEqual({
      methodId: nextDayId,
      name: 'UPS Next Day California',
      kind: 'EXPRESS',
      carrier: 'UPS-sandbox',
      amount: 1499,
    });
  });

  it('checks out with the default method when none is chosen, and records it', async () => {
    const id = await cart('EUR', [[kettle, 2]]);
    const shown = (await costOf(id, 'DE')).cost;
    const placed = await checkout(id, 'ship-eur-default', { expectedTotal: shown.total });
    expect(placed.userErrors).toEqual([]);
    expect(placed.order.total).toEqual({ amount: 4000 + 495, currency: 'EUR' });
    expect(placed.order.shippingMethod).toMatchObject({
      name: 'DHL Standard',
      amount: { amount: 495 },
    });
  });

  it('ships for free from the free-over threshold on', async () => {
    const id = await cart('EUR', [[kettle, 3]]); // 60.00 EUR ≥ 50.00
    const options = await optionsOf(id, 'DE');
    expect(named(options, 'DHL Standard')).toMatchObject({ price: { amount: 0 }, free: true });
    expect(named(options, 'DHL Express').free).toBe(false);
    const { cost } = await costOf(id, 'DE');
    expect(cost).toMatchObject({ shipping: { amount: 0 }, total: { amount: 6000 } });
  });

  it('prices shipping on the discounted value; a free-shipping coupon takes the price off', async () => {
    await createCoupon(platform, 'SHIP-SAVE20', { kind: 'PERCENTAGE_ORDER', value: 2000 });
    await createCoupon(platform, 'SHIP-FREE', { kind: 'FREE_SHIPPING', value: null });
    // 60.00 EUR, 20 % off: 48.00 is under the 50.00 threshold, so standard costs 4.95 again.
    const discounted = await cart('EUR', [[kettle, 3]]);
    await applyCodes(platform, discounted, ['SHIP-SAVE20']);
    expect(named(await optionsOf(discounted, 'DE'), 'DHL Standard').price.amount).toBe(495);
    expect((await costOf(discounted, 'DE')).cost).toMatchObject({
      shipping: { amount: 495 },
      total: { amount: 4800 + 495 },
    });
    // With free shipping on top of a cart that pays shipping before the discount too,
    // the new price comes off in the cost and in checkout alike.
    const free = await cart('EUR', [[kettle, 2]]); // 40.00 − 20 % = 32.00: 4.95 either way
    await applyCodes(platform, free, ['SHIP-SAVE20', 'SHIP-FREE']);
    const shown = (await costOf(free, 'DE')).cost;
    expect(shown).toMatchObject({ shipping: { amount: 495 }, total: { amount: 3200 } });
    const placed = await checkout(free, 'ship-free-coupon', { expectedTotal: shown.total });
    expect(placed.userErrors).toEqual([]);
    expect(placed.order).toMatchObject({ total: { amount: 3200 }, shipping: { amount: 495 } });
  });

  it('prices weight bands by the cart weight: a heavy cart pays the heavy band', async () => {
    const express = async (lines: [string, number][]) =>
      named(await optionsOf(await cart('EUR', lines), 'DE'), 'DHL Express').price.amount;
    expect(await express([[kettle, 1]])).toBe(1290); // 800 g
    expect(await express([[kettle, 3]])).toBe(1890); // 2.4 kg: 2-10 kg
    expect(await express([[anvil, 1]])).toBe(2990); // 12 kg: 10 kg and more
    expect(
      await express([
        [kettle, 2],
        [anvil, 1],
      ]),
    ).toBe(2990); // 13.6 kg
    // A variant without a weight: the weight-banded method is left out, the others stay.
    const unweighed = await optionsOf(await cart('EUR', [[feather, 1]]), 'DE');
    expect(unweighed.map((o) => o.method.name)).not.toContain('DHL Express');
    expect(unweighed.map((o) => o.method.name)).toContain('DHL Standard');
  });

  it('answers an unserviceable destination with a userError on the cost and a non-null cart', async () => {
    const id = await cart('USD', [[kettle, 1]]);
    // The UK zone prices in GBP and EUR only: nothing ships a USD cart there.
    const { id: cartId, cost } = await costOf(id, 'GB');
    expect(cartId).toBe(id);
    expect(cost.errors).toEqual([{ field: ['countryCode'], code: 'SHIPPING_UNAVAILABLE' }]);
    expect(cost.shippingMethod).toBeNull();
    expect(await optionsOf(id, 'GB')).toEqual([]);
    const refused = await checkout(id, 'ship-usd-to-gb', { shippingAddress: LONDON });
    expect(refused.order).toBeNull();
    expect(refused.userErrors).toMatchObject([
      { field: ['input', 'shippingAddress', 'country'], code: 'SHIPPING_UNAVAILABLE' },
    ]);
  });

  it('refuses a method of another zone with its field path', async () => {
    const usOptions = await optionsOf(await cart('USD', [[kettle, 1]]), 'US', 'CA');
    const californian = usOptions[0]!.method.id;
    const id = await cart('EUR', [[kettle, 1]]);
    const { cost } = await costOf(id, 'DE', undefined, californian);
    expect(cost.errors).toEqual([
      { field: ['shippingMethodId'], code: 'SHIPPING_METHOD_UNAVAILABLE' },
    ]);
    const refused = await checkout(id, 'ship-foreign-method', { shippingMethodId: californian });
    expect(refused.order).toBeNull();
    expect(refused.userErrors).toMatchObject([
      { field: ['input', 'shippingMethodId'], code: 'SHIPPING_METHOD_UNAVAILABLE' },
    ]);
    const garbage = await checkout(id, 'ship-garbage-method', { shippingMethodId: 'express' });
    expect(garbage.userErrors).toMatchObject([
      { field: ['input', 'shippingMethodId'], code: 'INVALID_ID' },
    ]);
  });
});

describe('variant weights and dimensions', () => {
  it('are set by catalog staff and refused with WEIGHT_INVALID / DIMENSION_INVALID', async () => {
    const set = await weigh(feather, {
      weightGrams: 15,
      dimensions: { lengthMm: 200, widthMm: 30, heightMm: 5 },
    });
    expect(set).toEqual({
      variant: {
        id: feather,
        weightGrams: 15,
        dimensions: { lengthMm: 200, widthMm: 30, heightMm: 5 },
      },
      userErrors: [],
    });
    for (const weightGrams of [0, -250]) {
      expect(await weigh(feather, { weightGrams })).toMatchObject({
        variant: null,
        userErrors: [{ field: ['weightGrams'], code: 'WEIGHT_INVALID' }],
      });
    }
    expect(
      await weigh(feather, { dimensions: { lengthMm: 200, widthMm: 0, heightMm: 5 } }),
    ).toMatchObject({
      variant: null,
      userErrors: [{ field: ['dimensions', 'widthMm'], code: 'DIMENSION_INVALID' }],
    });
    // The refused updates changed nothing.
    const read = await platform.query(`query ($id: ID!) { variant(id: $id) { weightGrams } }`, {
      id: feather,
    });
    expect(read.data!.variant.weightGrams).toBe(15);
  });
});
