import { dataOf } from '../../platform/testing/graphql-client';
import {
  CartCreateDocument,
  PriceSetDocument,
  ProductCreateDocument,
  StockReceiveDocument,
  WarehouseCreateDocument,
} from '../../sdk';
import type { TestPlatform } from './platform';

/**
 * Staff actions a test needs to set the shop up, driven through the router like a client,
 * with the SDK's typed operations (a schema change that breaks them fails the type check).
 */
export async function createProduct(
  platform: TestPlatform,
  name: string,
  variants: { sku: string; price: number; currency?: string; prices?: Record<string, number> }[],
): Promise<{ id: string; variants: { id: string; sku: string }[] }> {
  const data = dataOf(
    await platform.query(ProductCreateDocument, {
      input: { name, variants: variants.map((v) => ({ sku: v.sku, title: v.sku })) },
    }),
  );
  expect(data.productCreate.userErrors).toEqual([]);
  const product = data.productCreate.product!;
  for (const [index, variant] of variants.entries()) {
    const prices = variant.prices ?? { [variant.currency ?? 'EUR']: variant.price };
    for (const [currency, amount] of Object.entries(prices)) {
      await setPrice(platform, product.variants[index]!.id, variant.sku, currency, amount);
    }
  }
  return { id: product.id, variants: product.variants.map(({ id, sku }) => ({ id, sku })) };
}

export async function setPrice(
  platform: TestPlatform,
  variantId: string,
  sku: string,
  currency: string,
  amount: number,
  minQuantity = 1,
): Promise<void> {
  const data = dataOf(
    await platform.query(PriceSetDocument, {
      input: { variantId, sku, currency, amount, minQuantity },
    }),
  );
  expect(data.priceSet.userErrors).toEqual([]);
}

export async function createWarehouse(platform: TestPlatform, code: string): Promise<string> {
  const data = dataOf(
    await platform.query(WarehouseCreateDocument, {
      input: { code, name: `Warehouse ${code}`, countryCode: 'DE' },
    }),
  );
  expect(data.warehouseCreate.userErrors).toEqual([]);
  return data.warehouseCreate.warehouse!.id;
}

export async function receiveStock(
  platform: TestPlatform,
  sku: string,
  warehouseId: string,
  quantity: number,
): Promise<void> {
  const data = dataOf(
    await platform.query(StockReceiveDocument, { input: { sku, warehouseId, quantity } }),
  );
  expect(data.stockReceive.userErrors).toEqual([]);
}

export const ADDRESS = {
  name: 'Ada Lovelace',
  line1: 'Unter den Linden 1',
  city: 'Berlin',
  postalCode: '10117',
  country: 'DE',
};

export async function cartWith(
  platform: TestPlatform,
  lines: { variantId: string; quantity: number }[],
): Promise<string> {
  const data = dataOf(await platform.query(CartCreateDocument, { input: { lines } }));
  expect(data.cartCreate.userErrors).toEqual([]);
  return data.cartCreate.cart!.id;
}

export const CHECKOUT = /* GraphQL */ `
  mutation ($input: CheckoutInput!) {
    checkout(input: $input) {
      order {
        id
        number
        status
        total {
          amount
          currency
        }
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export function checkoutInput(cartId: string, idempotencyKey: string, token = 'tok_visa') {
  return {
    cartId,
    idempotencyKey,
    email: 'ada@example.com',
    shippingAddress: ADDRESS,
    payment: { token },
  };
}

/** A running campaign with one coupon-only promotion and its code. */
export async function createCoupon(
  platform: TestPlatform,
  code: string,
  options: {
    kind?: string;
    /** null for kinds without a value (FREE_SHIPPING); default 10 %. */
    value?: number | null;
    usageLimit?: number | null;
    perCustomerLimit?: number | null;
  } = {},
): Promise<void> {
  const campaign = dataOf(
    await platform.query(
      `mutation ($input: CampaignCreateInput!) { campaignCreate(input: $input) { campaign { id } userErrors { code message } } }`,
      {
        input: { name: `Campaign ${code}`, startsAt: new Date(Date.now() - 60_000).toISOString() },
      },
    ),
  ).campaignCreate;
  expect(campaign.userErrors).toEqual([]);
  const promotion = dataOf(
    await platform.query(
      `mutation ($input: PromotionCreateInput!) { promotionCreate(input: $input) { promotion { id } userErrors { code message } } }`,
      {
        input: {
          campaignId: campaign.campaign.id,
          name: `Promotion ${code}`,
          kind: options.kind ?? 'PERCENTAGE_ORDER',
          value: options.value === undefined ? 1000 : options.value,
          requiresCoupon: true,
        },
      },
    ),
  ).promotionCreate;
  expect(promotion.userErrors).toEqual([]);
  const coupon = dataOf(
    await platform.query(
      `mutation ($input: CouponCreateInput!) { couponCreate(input: $input) { coupon { id } userErrors { code message } } }`,
      {
        input: {
          promotionId: promotion.promotion.id,
          code,
          usageLimit: options.usageLimit ?? null,
          perCustomerLimit: options.perCustomerLimit ?? null,
        },
      },
    ),
  ).couponCreate;
  expect(coupon.userErrors).toEqual([]);
}

export async function couponUses(platform: TestPlatform, code: string): Promise<number> {
  return dataOf(
    await platform.query(`query ($code: String!) { coupon(code: $code) { usedCount } }`, { code }),
  ).coupon.usedCount;
}

export async function applyCodes(
  platform: TestPlatform,
  cartId: string,
  codes: string[],
): Promise<void> {
  const data = dataOf(
    await platform.query(
      `mutation ($cartId: ID!, $codes: [String!]!) { cartDiscountCodesUpdate(cartId: $cartId, discountCodes: $codes) { userErrors { code } } }`,
      { cartId, codes },
    ),
  );
  expect(data.cartDiscountCodesUpdate.userErrors).toEqual([]);
}

/** Stock of a SKU across warehouses, from the inventory subgraph through the router. */
export async function stockOf(
  platform: TestPlatform,
  sku: string,
): Promise<{ onHand: number; reserved: number; available: number }> {
  const items = dataOf(
    await platform.query(
      `query ($sku: String!) { variant(sku: $sku) { inventoryItems { onHand reserved available } } }`,
      { sku },
    ),
  ).variant.inventoryItems as { onHand: number; reserved: number; available: number }[];
  return items.reduce(
    (t, i) => ({
      onHand: t.onHand + i.onHand,
      reserved: t.reserved + i.reserved,
      available: t.available + i.available,
    }),
    {
      onHand: 0,
      reserved: 0,
      available: 0,
    },
  );
}

/** Every item's on-hand and reserved equal the sum of its ledger rows. */
export async function expectLedgerConsistent(platform: TestPlatform): Promise<void> {
  const drift = await platform.subgraphs.inventory!.dataSource.query(`
    SELECT i.sku FROM inventory.inventory_item i
    LEFT JOIN inventory.stock_movement m ON m.inventory_item_id = i.id
    GROUP BY i.id
    HAVING i.on_hand <> coalesce(sum(m.on_hand_delta), 0) OR i.reserved <> coalesce(sum(m.reserved_delta), 0)
        OR i.on_hand < 0 OR i.reserved < 0 OR i.reserved > i.on_hand`);
  expect(drift).toEqual([]);
}
