import { StockAvailabilityChangedDocument } from '../sdk';
import { print } from 'graphql';
import { bootstrapAdmin, callerOf, codeOf, staffToken } from './support/accounts';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { createProduct, createWarehouse, receiveStock } from './support/shop';
import { subscribeWs, wsClient, type Subscription } from './support/subscriptions';

/**
 * A product page's live stock for shoppers, with authorization enforced: an anonymous
 * subscriber of `stockAvailabilityChanged` gets the SKU's sellable units over all
 * warehouses, now and after each change, but never the per-warehouse items.
 */
const ADMIN = { email: 'stock-live-root@shop.test', password: 'correct horse battery staple' };
const LIVE = print(StockAvailabilityChangedDocument);
let platform: TestPlatform;
let shop: TestPlatform;
let clearAdmin = (): void => {};

beforeAll(async () => {
  clearAdmin = bootstrapAdmin(ADMIN);
  platform = await startTestPlatform('stock-live', { authorization: 'enforced' });
  const as = (token: string | null) => callerOf(() => platform.router.url, token);
  shop = {
    ...platform,
    query: as(await staffToken(as(null), ADMIN.email, ADMIN.password)),
  } as TestPlatform;
  await createProduct(shop, 'Live Lamp', [{ sku: 'LIVE-1', price: 4900 }]);
});

afterAll(async () => {
  clearAdmin();
  await platform?.stop();
});

const availableOf = async (subscription: Subscription) => {
  const event = await subscription.next(15_000);
  expect(event.errors).toBeUndefined();
  return event.data.stockAvailabilityChanged;
};

it('an anonymous shopper sees the sum over warehouses now and after each receipt', async () => {
  const north = await createWarehouse(shop, 'LIVE-N');
  const south = await createWarehouse(shop, 'LIVE-S');
  await receiveStock(shop, 'LIVE-1', north, 3);
  const client = wsClient(platform.router.url);
  const subscription = subscribeWs(client, LIVE, { sku: 'LIVE-1' });
  try {
    expect(await availableOf(subscription)).toEqual({
      sku: 'LIVE-1',
      availableQuantity: 3,
      inStock: true,
    });
    await receiveStock(shop, 'LIVE-1', south, 4);
    // Each event is the sum after it; the last one after the receipt says 7.
    let latest = await availableOf(subscription);
    while (latest.availableQuantity !== 7) latest = await availableOf(subscription);
    expect(latest).toEqual({ sku: 'LIVE-1', availableQuantity: 7, inStock: true });
  } finally {
    await subscription.close();
    await client.dispose();
  }
});

it('the per-warehouse subscription stays staff’s', async () => {
  const client = wsClient(platform.router.url);
  const items = subscribeWs(
    client,
    `subscription { inventoryChanged(sku: "LIVE-1") { onHand } }`,
    {},
  );
  try {
    expect(codeOf(await items.next(15_000))).toBe('UNAUTHENTICATED');
  } finally {
    await items.close();
    await client.dispose();
  }
});
