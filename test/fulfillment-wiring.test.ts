import { randomUUID } from 'node:crypto';
import { dataOf } from '../platform/testing/graphql-client';
import type { FulfillmentServices } from '../subgraphs/fulfillment/index';
import { UpstreamError } from '../platform/service-client';
import {
  confirmedOrder,
  eventually,
  mutate,
  orderFulfillment,
  warehouseIn,
} from './support/fulfillment';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { ADDRESS, cartWith, createProduct, receiveStock } from './support/shop';
import { pickAndPack } from './support/warehouse-floor';

/**
 * Fulfillment's ports wired to their owners: the nearest strategy ranks warehouses by
 * location's distances, labels are bought from shipping once per fulfillment, and a
 * warehouse's address is checked by location.
 */
let platform: TestPlatform;
let berlin: string;
let paris: string;
let newark: string;
let lamp: string;

const AMSTERDAM = {
  name: 'Ada Lovelace',
  line1: 'Damrak 1',
  city: 'Amsterdam',
  postalCode: '1012 LG',
  country: 'NL',
};

beforeAll(async () => {
  const before = process.env.FULFILLMENT_STRATEGY;
  process.env.FULFILLMENT_STRATEGY = 'nearest';
  try {
    platform = await startTestPlatform('fulfillment-wiring');
  } finally {
    if (before === undefined) delete process.env.FULFILLMENT_STRATEGY;
    else process.env.FULFILLMENT_STRATEGY = before;
  }
  const product = await createProduct(platform, 'Desk Lamp', [{ sku: 'WIR-LAMP', price: 4000 }]);
  lamp = product.variants[0]!.id;
  berlin = await warehouseIn(platform, 'WIR-BER', 'DE');
  paris = await warehouseIn(platform, 'WIR-PAR', 'FR');
  newark = await warehouseIn(platform, 'WIR-EWR', 'US');
  // Most stock far away: only a real distance keeps an Amsterdam order out of Newark.
  await receiveStock(platform, 'WIR-LAMP', newark, 50);
  await receiveStock(platform, 'WIR-LAMP', paris, 30);
  await receiveStock(platform, 'WIR-LAMP', berlin, 10);
});

afterAll(async () => {
  await platform?.stop();
});

describe('fulfillment wired to location and shipping', () => {
  it("location's distances: kilometres between country centroids, 0 in the same region", async () => {
    const { distances } = dataOf(
      await platform.query(
        `query ($from: [PlaceInput!]!, $to: PlaceInput!) { distances(from: $from, to: $to) }`,
        {
          from: [
            { country: 'DE' },
            { country: 'FR' },
            { country: 'US', region: 'NJ' },
            { country: 'ZZ' },
            { country: 'US', region: 'NJ' },
          ],
          to: { country: 'NL' },
        },
      ),
    );
    const [de, fr, us, unknown] = distances as [number, number, number, null];
    expect(de).toBeGreaterThan(100);
    expect(de).toBeLessThan(fr);
    expect(fr).toBeLessThan(us);
    expect(us).toBeGreaterThan(5000);
    expect(unknown).toBeNull();
    const same = dataOf(
      await platform.query(
        `{ distances(from: [{ country: "US", region: "NJ" }, { country: "US", region: "CA" }], to: { country: "US", region: "nj" }) }`,
      ),
    ).distances;
    expect(same[0]).toBe(0);
  });

  it("the nearest strategy sends an Amsterdam order to Berlin by location's distance", async () => {
    const orderId = await confirmedOrder(platform, [{ variantId: lamp, quantity: 2 }], AMSTERDAM);
    const assigned = await eventually(
      () => orderFulfillment(platform, orderId),
      (o) => o.fulfillments?.length === 1,
    );
    expect(assigned.fulfillments[0]).toMatchObject({
      strategy: 'nearest',
      warehouse: { id: berlin },
    });
    // Berlin cannot serve 12: the nearest that can (Paris) rather than the one with most.
    const big = await confirmedOrder(platform, [{ variantId: lamp, quantity: 12 }], AMSTERDAM);
    const far = await eventually(
      () => orderFulfillment(platform, big),
      (o) => o.fulfillments?.length === 1,
    );
    expect(far.fulfillments[0].warehouse.id).toBe(paris);
  });

  it("ships with the carrier of the buyer's method: UPS express to Amsterdam", async () => {
    const weighed = dataOf(
      await platform.query(
        `mutation ($id: ID!) { productVariantUpdate(id: $id, input: { weightGrams: 900 }) { userErrors { code } } }`,
        { id: lamp },
      ),
    ).productVariantUpdate;
    expect(weighed.userErrors).toEqual([]);
    const cartId = await cartWith(platform, [{ variantId: lamp, quantity: 1 }]);
    const options = dataOf(
      await platform.query(
        `query ($id: ID!) { cart(id: $id) { shippingOptions(countryCode: "NL") { method { id kind carrier } } } }`,
        { id: cartId },
      ),
    ).cart.shippingOptions as { method: { id: string; kind: string; carrier: string } }[];
    const express = options.find((o) => o.method.kind === 'EXPRESS')!.method;
    expect(express.carrier).toBe('UPS-sandbox');

    const orderId = await confirmedOrder(
      platform,
      [{ variantId: lamp, quantity: 1 }],
      AMSTERDAM,
      express.id,
    );
    const [fulfillment] = (
      await eventually(
        () => orderFulfillment(platform, orderId),
        (o) => o.fulfillments?.length === 1,
      )
    ).fulfillments;
    await pickAndPack(platform, fulfillment);
    const shipped = await mutate(
      platform,
      `mutation ($input: FulfillmentShipInput!) {
        fulfillmentShip(input: $input) { fulfillment { status carrier } userErrors { code message } } }`,
      { input: { fulfillmentId: fulfillment.id } },
    );
    expect(shipped).toEqual({
      fulfillment: { status: 'SHIPPED', carrier: 'UPS-sandbox' },
      userErrors: [],
    });
  });

  it('a retry after a crash returns the first shipment: one label per fulfillment', async () => {
    const services = platform.subgraphs.fulfillment!.services as FulfillmentServices;
    const request = {
      fulfillmentId: randomUUID(),
      orderId: randomUUID(),
      warehouseId: berlin,
      shipTo: { ...ADDRESS },
      lines: [{ sku: 'WIR-LAMP', quantity: 1 }],
    };
    // As if fulfillment died after shipping answered and before it wrote SHIPPED.
    const [first, second] = await Promise.all([
      services.fulfillment.ports.labels.purchase(request),
      services.fulfillment.ports.labels.purchase(request),
    ]);
    const third = await services.fulfillment.ports.labels.purchase(request);
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    expect(first.trackingNumber).toMatch(/^00340434/);
    const rows = await platform.subgraphs.shipping!.dataSource.query(
      `SELECT count(*)::int AS n FROM shipping.shipment WHERE order_id = $1`,
      [request.orderId],
    );
    expect(rows[0].n).toBe(1);
    // The same fulfillment with another parcel is refused, not a second label.
    await expect(
      services.fulfillment.ports.labels.purchase({ ...request, weightGrams: 9000 }),
    ).rejects.toThrow(/already bought for this fulfillment/);
    const after = await platform.subgraphs.shipping!.dataSource.query(
      `SELECT count(*)::int AS n FROM shipping.shipment WHERE order_id = $1`,
      [request.orderId],
    );
    expect(after[0].n).toBe(1);
  });

  it('inventory lost after the label was bought: the retry ships with that label, no second one', async () => {
    const orderId = await confirmedOrder(platform, [{ variantId: lamp, quantity: 1 }], AMSTERDAM);
    const [fulfillment] = (
      await eventually(
        () => orderFulfillment(platform, orderId),
        (o) => o.fulfillments?.length === 1,
      )
    ).fulfillments;
    await mutate(
      platform,
      `mutation ($input: PickListCreateInput!) { pickListCreate(input: $input) { userErrors { code } } }`,
      { input: { warehouseId: fulfillment.warehouse.id } },
    );
    await mutate(
      platform,
      `mutation ($input: PickConfirmInput!) { pickConfirm(input: $input) { userErrors { code } } }`,
      { input: { fulfillmentId: fulfillment.id, lines: [{ sku: 'WIR-LAMP', quantity: 1 }] } },
    );
    await mutate(
      platform,
      `mutation ($id: ID!) { fulfillmentPack(fulfillmentId: $id) { userErrors { code } } }`,
      { id: fulfillment.id },
    );
    // Inventory does not answer the stock move once: the label is bought, SHIPPED is not.
    const dispatch = (platform.subgraphs.fulfillment!.services as FulfillmentServices).fulfillment
      .dispatch as unknown as { inventory: { ship: (...args: unknown[]) => Promise<void> } };
    const ship = dispatch.inventory.ship;
    dispatch.inventory.ship = async () => {
      dispatch.inventory.ship = ship;
      throw new UpstreamError('inventory', 'connection reset');
    };
    const SHIP = `mutation ($input: FulfillmentShipInput!) {
      fulfillmentShip(input: $input) { fulfillment { status trackingNumber } userErrors { code } } }`;
    const lost = await mutate(platform, SHIP, { input: { fulfillmentId: fulfillment.id } });
    expect(lost.userErrors).toEqual([{ code: 'UPSTREAM_UNAVAILABLE' }]);
    const between = await orderFulfillment(platform, orderId);
    expect(between.fulfillments[0].status).toBe('PACKED');
    expect(between.shipments).toHaveLength(1);
    const retried = await mutate(platform, SHIP, { input: { fulfillmentId: fulfillment.id } });
    expect(retried).toEqual({
      fulfillment: { status: 'SHIPPED', trackingNumber: between.shipments[0].trackingNumber },
      userErrors: [],
    });
    expect((await orderFulfillment(platform, orderId)).shipments).toHaveLength(1);
  });

  it('a warehouse address location refuses is a userError with its field path; nothing is created', async () => {
    const create = (input: Record<string, unknown>) =>
      platform.query(
        `mutation ($input: WarehouseCreateInput!) {
          warehouseCreate(input: $input) { warehouse { id regionCode address { postalCode } } userErrors { field code } } }`,
        { input: { code: `WIR-${Math.floor(Math.random() * 1e6)}`, name: 'Bad', ...input } },
      );
    const region = dataOf(
      await create({
        countryCode: 'US',
        address: { line1: '1 Main St', city: 'Newark', region: 'ZZ', postalCode: '07102' },
      }),
    ).warehouseCreate;
    expect(region).toEqual({
      warehouse: null,
      userErrors: [{ field: ['address', 'region'], code: 'REGION_UNKNOWN' }],
    });
    const postal = dataOf(
      await create({
        countryCode: 'DE',
        address: { line1: 'Lagerstraße 1', city: 'Berlin', postalCode: 'NOT-A-ZIP' },
      }),
    ).warehouseCreate;
    expect(postal).toEqual({
      warehouse: null,
      userErrors: [{ field: ['address', 'postalCode'], code: 'POSTAL_CODE_INVALID' }],
    });
    const warehouses = dataOf(await platform.query(`{ warehouses { code } }`)).warehouses;
    expect(warehouses.map((w: { code: string }) => w.code).sort()).toEqual([
      'WIR-BER',
      'WIR-EWR',
      'WIR-PAR',
    ]);
    // A good one comes back normalised: the region as its ISO code, the postcode spaced.
    const good = dataOf(
      await create({
        countryCode: 'US',
        address: { line1: '2 Main St', city: 'Newark', region: 'New Jersey', postalCode: '07102' },
      }),
    ).warehouseCreate;
    expect(good).toMatchObject({
      warehouse: { regionCode: 'NJ', address: { postalCode: '07102' } },
      userErrors: [],
    });
  });
});
