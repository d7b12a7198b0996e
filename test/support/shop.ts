import { dataOf } from './graphql-client';
import type { TestPlatform } from './platform';

/** Staff actions a test needs to set the shop up, driven through the router like a client. */
export async function createProduct(
  platform: TestPlatform,
  name: string,
  variants: { sku: string; price: number; currency?: string }[],
): Promise<{ id: string; variants: { id: string; sku: string }[] }> {
  const data = dataOf(
    await platform.query(
      `mutation ($input: ProductCreateInput!) {
        productCreate(input: $input) { product { id variants { id sku } } userErrors { code message } }
      }`,
      {
        input: {
          name,
          variants: variants.map((v) => ({
            sku: v.sku,
            title: v.sku,
            price: { amount: v.price, currency: v.currency ?? 'EUR' },
          })),
        },
      },
    ),
  );
  expect(data.productCreate.userErrors).toEqual([]);
  return data.productCreate.product;
}

export async function createWarehouse(platform: TestPlatform, code: string): Promise<string> {
  const data = dataOf(
    await platform.query(
      `mutation ($input: WarehouseCreateInput!) {
        warehouseCreate(input: $input) { warehouse { id } userErrors { code message } }
      }`,
      { input: { code, name: `Warehouse ${code}`, countryCode: 'DE' } },
    ),
  );
  expect(data.warehouseCreate.userErrors).toEqual([]);
  return data.warehouseCreate.warehouse.id;
}

export async function receiveStock(platform: TestPlatform, sku: string, warehouseId: string, quantity: number): Promise<void> {
  const data = dataOf(
    await platform.query(
      `mutation ($input: StockReceiveInput!) {
        stockReceive(input: $input) { inventoryItem { onHand } userErrors { code message } }
      }`,
      { input: { sku, warehouseId, quantity } },
    ),
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

export async function cartWith(platform: TestPlatform, lines: { variantId: string; quantity: number }[]): Promise<string> {
  const data = dataOf(
    await platform.query(
      `mutation ($input: CartCreateInput) { cartCreate(input: $input) { cart { id } userErrors { code message } } }`,
      { input: { lines } },
    ),
  );
  expect(data.cartCreate.userErrors).toEqual([]);
  return data.cartCreate.cart.id;
}

export const CHECKOUT = /* GraphQL */ `
  mutation ($input: CheckoutInput!) {
    checkout(input: $input) {
      order { id number status total { amount currency } }
      userErrors { field message code }
    }
  }
`;

export function checkoutInput(cartId: string, idempotencyKey: string, token = 'tok_visa') {
  return { cartId, idempotencyKey, email: 'ada@example.com', shippingAddress: ADDRESS, payment: { token } };
}
