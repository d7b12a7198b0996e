import {
  confirmedOrder,
  eventually,
  mutate,
  orderFulfillment,
  warehouseIn,
} from './support/fulfillment';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { createProduct, receiveStock } from './support/shop';

const HOUR = 3_600_000;
// The default 60 s plus the at most 31 s that inOneHour may wait.
const WITH_HOUR_WAIT = 120_000;
const CAPACITY = `mutation ($input: WarehouseCapacitySetInput!) {
  warehouseCapacitySet(input: $input) { capacity { ordersPerSlot } userErrors { field code } } }`;

/** A slot of 2 orders, open all day: the third order of an hour cannot join the first two. */
async function slotOfTwo(platform: TestPlatform, warehouseId: string) {
  const set = await mutate(platform, CAPACITY, {
    input: {
      warehouseId,
      ordersPerDay: 100,
      itemsPerHour: 100,
      ordersPerSlot: 2,
      openHour: 0,
      closeHour: 24,
    },
  });
  expect(set.userErrors).toEqual([]);
}

async function assignmentOf(platform: TestPlatform, orderId: string) {
  const order = await eventually(
    () => orderFulfillment(platform, orderId),
    (o) => o.fulfillments?.length === 1,
  );
  return order.fulfillments[0] as {
    warehouse: { id: string };
    slotStart: string;
    strategy: string;
  };
}

/** Near the end of an hour the three orders could straddle two; start them in the next one. */
async function inOneHour() {
  const left = HOUR - (Date.now() % HOUR);
  if (left < 30_000) await new Promise((r) => setTimeout(r, left + 1_000));
}

/** Three orders within one hour. */
async function threeOrders(platform: TestPlatform, variantId: string) {
  await inOneHour();
  const ids: string[] = [];
  for (let i = 0; i < 3; i += 1)
    ids.push(await confirmedOrder(platform, [{ variantId, quantity: 1 }]));
  const assigned = [];
  for (const id of ids) assigned.push(await assignmentOf(platform, id));
  return assigned;
}

describe('capacity with the most-stock strategy', () => {
  let platform: TestPlatform;
  let variantId: string;
  let berlin: string;

  beforeAll(async () => {
    platform = await startTestPlatform('fulfillment-capacity');
    const product = await createProduct(platform, 'Slot Tee', [{ sku: 'CAP-TEE', price: 1500 }]);
    variantId = product.variants[0]!.id;
    berlin = await warehouseIn(platform, 'CAP-BER', 'DE');
    const paris = await warehouseIn(platform, 'CAP-PAR', 'FR');
    await receiveStock(platform, 'CAP-TEE', berlin, 50);
    await receiveStock(platform, 'CAP-TEE', paris, 10);
    await slotOfTwo(platform, berlin);
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it(
    'a third order in the hour goes to the next slot of the same warehouse',
    async () => {
      const [first, second, third] = await threeOrders(platform, variantId);
      for (const f of [first!, second!, third!]) {
        expect(f.warehouse.id).toBe(berlin);
        expect(f.strategy).toBe('most-stock');
      }
      expect(second!.slotStart).toBe(first!.slotStart);
      expect(Date.parse(third!.slotStart)).toBe(Date.parse(first!.slotStart) + HOUR);
      const slots = await mutate(
        platform,
        `query ($id: ID!, $from: String!) { fulfillmentSlots(warehouseId: $id, from: $from, hours: 3) { start orders items } }`,
        { id: berlin, from: first!.slotStart },
      );
      expect(slots).toEqual([
        { start: first!.slotStart, orders: 2, items: 2 },
        { start: third!.slotStart, orders: 1, items: 1 },
      ]);
    },
    WITH_HOUR_WAIT,
  );

  it('refuses an impossible capacity with its field', async () => {
    const refused = await mutate(platform, CAPACITY, {
      input: {
        warehouseId: berlin,
        ordersPerDay: 10,
        itemsPerHour: 10,
        ordersPerSlot: 0,
        openHour: 9,
        closeHour: 8,
      },
    });
    expect(refused.userErrors).toEqual([{ field: ['ordersPerSlot'], code: 'INVALID_CAPACITY' }]);
  });
});

describe('capacity with the capacity-aware strategy', () => {
  let platform: TestPlatform;

  afterAll(async () => {
    await platform?.stop();
    delete process.env.FULFILLMENT_STRATEGY;
  });

  it(
    'a third order in the hour goes to the other warehouse',
    async () => {
      process.env.FULFILLMENT_STRATEGY = 'capacity-aware';
      platform = await startTestPlatform('fulfillment-capacity-aware');
      const product = await createProduct(platform, 'Aware Tee', [{ sku: 'AWR-TEE', price: 1500 }]);
      const berlin = await warehouseIn(platform, 'AWR-BER', 'DE');
      const paris = await warehouseIn(platform, 'AWR-PAR', 'FR');
      await receiveStock(platform, 'AWR-TEE', berlin, 50);
      await receiveStock(platform, 'AWR-TEE', paris, 10);
      await slotOfTwo(platform, berlin);
      await slotOfTwo(platform, paris);

      const [first, second, third] = await threeOrders(platform, product.variants[0]!.id);
      // The address is in Germany: Berlin is nearer, until its slot is full.
      expect([first!.warehouse.id, second!.warehouse.id]).toEqual([berlin, berlin]);
      expect(third!.warehouse.id).toBe(paris);
      expect(third!.slotStart).toBe(first!.slotStart);
      expect(third!.strategy).toBe('capacity-aware');
    },
    WITH_HOUR_WAIT,
  );
});
