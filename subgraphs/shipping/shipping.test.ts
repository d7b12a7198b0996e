import { randomUUID } from 'node:crypto';
import { startFakeSubgraph, type FakeSubgraph } from '../../platform/testing/fake-subgraph';
import { startSubgraphForTest, viewers, type TestSubgraph } from '../../platform/testing/harness';
import { signCarrierWebhook } from './domain/webhook-signature';
import { shippingSubgraph, type ShippingServices } from './index';
import { seedShipping } from './seed';

const SECRET = 'test-carrier-secret';
const staff = { viewer: viewers.staff(['shipping:manage']) };
let t: TestSubgraph<ShippingServices>;
let orders: FakeSubgraph;
let readableOrderIds = new Set<string>();

beforeAll(async () => {
  // Orders, the owner of Order, answers which orders the caller may read.
  orders = await startFakeSubgraph((request) => {
    const reps = request.variables.representations as { id: string }[];
    return {
      data: { _entities: reps.map((r) => (readableOrderIds.has(r.id) ? { id: r.id } : null)) },
    };
  });
  t = await startSubgraphForTest(shippingSubgraph, {
    env: { SHIPPING_WEBHOOK_SECRET: SECRET },
    subgraphUrls: { orders: orders.url },
  });
  await seedShipping(t.subgraph.dataSource);
});
afterAll(async () => {
  await t.stop();
  await orders.stop();
});

const OPTIONS = `query ($input: ShippingOptionsInput!) { shippingOptions(input: $input) {
  method { name kind carrier } price { amount currency } free } }`;
const CREATE = `mutation ($input: ShipmentCreateInput!) { shipmentCreate(input: $input) {
  shipment { id trackingNumber status carrier labelUrl weightGrams trackingEvents { status } }
  userErrors { field code message } } }`;

const warehouse = {
  name: 'Shop Warehouse Berlin',
  line1: 'Lagerstrasse 5',
  city: 'Berlin',
  postalCode: '10115',
  country: 'DE',
};
const ada = {
  name: 'Ada Lovelace',
  line1: 'Rue de Rivoli 1',
  city: 'Paris',
  postalCode: '75001',
  country: 'FR',
};

function shipmentInput(overrides: Record<string, unknown> = {}) {
  return {
    orderId: randomUUID(),
    idempotencyKey: randomUUID(),
    fromAddress: warehouse,
    toAddress: ada,
    parcels: [{ weightGrams: 1200, lines: [{ sku: 'TSH-001-M', quantity: 2 }] }],
    carrier: 'DHL-sandbox',
    ...overrides,
  };
}

async function createShipment(overrides: Record<string, unknown> = {}) {
  const { shipmentCreate } = await t.data(CREATE, { input: shipmentInput(overrides) }, staff);
  expect(shipmentCreate.userErrors).toEqual([]);
  return shipmentCreate.shipment;
}

async function webhook(
  carrier: string,
  event: object,
  { secret = SECRET, at = Math.floor(Date.now() / 1000) } = {},
) {
  const body = JSON.stringify(event);
  const res = await fetch(new URL(`/webhooks/carriers/${carrier}`, t.url), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-carrier-signature': signCarrierWebhook(secret, at, body),
    },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const tracking = (
  trackingNumber: string,
  status: string,
  id = randomUUID(),
  occurredAt = new Date(),
) => ({
  id,
  type: 'tracking.updated',
  trackingNumber,
  status,
  description: status.toLowerCase(),
  occurredAt: occurredAt.toISOString(),
});

describe('shipping options', () => {
  it('prices each method of the destination by its bands, free over the threshold', async () => {
    const input = {
      country: 'DE',
      currency: 'EUR',
      orderValue: 3000,
      weightGrams: 2500,
      itemCount: 3,
    };
    const { shippingOptions } = await t.data(OPTIONS, { input });
    const price = (name: string, list = shippingOptions) =>
      list.find((o: { method: { name: string } }) => o.method.name === name)?.price.amount;
    expect(price('DHL Standard')).toBe(495);
    expect(price('DHL Express')).toBe(1890); // weight band 2-10 kg
    expect(price('DHL Packstation')).toBe(390); // 1-4 items
    const rich = await t.data(OPTIONS, { input: { ...input, orderValue: 5000 } });
    expect(price('DHL Standard', rich.shippingOptions)).toBe(0);
    expect(rich.shippingOptions.find((o: any) => o.method.name === 'DHL Standard').free).toBe(true);
  });

  it('serves a region by its own zone and leaves weight bands out without a weight', async () => {
    const { shippingOptions } = await t.data(OPTIONS, {
      input: { country: 'US', region: 'CA', currency: 'USD', orderValue: 1000, itemCount: 1 },
    });
    expect(shippingOptions.map((o: any) => o.method.name).sort()).toEqual([
      'UPS Ground California',
      'UPS Next Day California',
    ]);
  });

  it('answers an unserviceable destination with no options, and refuses bad input with a code', async () => {
    const none = await t.data(OPTIONS, {
      input: { country: 'JP', currency: 'EUR', orderValue: 1, itemCount: 1 },
    });
    expect(none.shippingOptions).toEqual([]);
    const unknown = await t.gql(OPTIONS, {
      input: { country: 'ZZ', currency: 'EUR', orderValue: 1, itemCount: 1 },
    });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'UNKNOWN_COUNTRY',
    });
    for (const weightGrams of [0, -5]) {
      const bad = await t.gql(OPTIONS, {
        input: { country: 'DE', currency: 'EUR', orderValue: 1, itemCount: 1, weightGrams },
      });
      expect(bad.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'WEIGHT_INVALID',
      });
    }
  });
});

describe('shipments and labels', () => {
  it('buys a label: a PDF with the tracking number, downloadable by its signed link only', async () => {
    const shipment = await createShipment();
    expect(shipment.trackingNumber).toMatch(/^00340434\d{8}$/);
    expect(shipment.status).toBe('LABEL_PURCHASED');
    const pdf = Buffer.from(await (await fetch(new URL(shipment.labelUrl, t.url))).arrayBuffer());
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    expect(pdf.toString('latin1')).toContain(shipment.trackingNumber);
    const forged = new URL(shipment.labelUrl, t.url);
    forged.searchParams.set('sig', '0'.repeat(64));
    expect((await fetch(forged)).status).toBe(403);
  });

  it('is idempotent by key and refuses the key with another input', async () => {
    const input = shipmentInput();
    const first = await t.data(CREATE, { input }, staff);
    const again = await t.data(CREATE, { input }, staff);
    expect(again.shipmentCreate.shipment.id).toBe(first.shipmentCreate.shipment.id);
    const other = await t.data(CREATE, { input: { ...input, carrier: 'UPS-sandbox' } }, staff);
    expect(other.shipmentCreate.userErrors[0].code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('refuses a zero weight, an unknown carrier and a carrier refusal, buying nothing', async () => {
    const before = await t.sql(`SELECT count(*)::int AS n FROM shipment`);
    const zero = await t.data(
      CREATE,
      { input: shipmentInput({ parcels: [{ weightGrams: 0, lines: [] }] }) },
      staff,
    );
    expect(zero.shipmentCreate.userErrors[0]).toMatchObject({
      code: 'WEIGHT_INVALID',
      field: ['input', 'parcels', '0', 'weightGrams'],
    });
    const carrier = await t.data(CREATE, { input: shipmentInput({ carrier: 'Pigeon' }) }, staff);
    expect(carrier.shipmentCreate.userErrors[0].code).toBe('CARRIER_UNKNOWN');
    const fail = await t.data(
      CREATE,
      { input: shipmentInput({ toAddress: { ...ada, line1: 'FAIL-LABEL 1' } }) },
      staff,
    );
    expect(fail.shipmentCreate.userErrors[0].code).toBe('CARRIER_LABEL_FAILED');
    expect(fail.shipmentCreate.userErrors[0].message).toContain('ADDRESS_REJECTED');
    expect(await t.sql(`SELECT count(*)::int AS n FROM shipment`)).toEqual(before);
  });

  it('needs shipping:manage', async () => {
    const res = await t.gql(
      CREATE,
      { input: shipmentInput() },
      { viewer: viewers.staff(['orders:manage']) },
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('buys a return label from the customer back to the warehouse', async () => {
    const shipment = await createShipment({ carrier: 'UPS-sandbox' });
    const RETURN = `mutation ($id: ID!, $key: String!) { shipmentReturnLabelCreate(shipmentId: $id, idempotencyKey: $key) {
      returnLabel { trackingNumber labelUrl } userErrors { code } } }`;
    const { shipmentReturnLabelCreate } = await t.data(
      RETURN,
      { id: shipment.id, key: 'r-1' },
      staff,
    );
    expect(shipmentReturnLabelCreate.returnLabel.trackingNumber).toMatch(/^RUPS\d{8}$/);
    const pdf = Buffer.from(
      await (
        await fetch(new URL(shipmentReturnLabelCreate.returnLabel.labelUrl, t.url))
      ).arrayBuffer(),
    );
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
  });
});

describe('carrier webhooks', () => {
  const statusOf = async (id: string) =>
    (await t.sql(`SELECT status FROM shipment WHERE id = $1`, [id]))[0]!.status;

  it('applies a signed event once, records the order update and the delivered event', async () => {
    const shipment = await createShipment();
    const event = tracking(shipment.trackingNumber, 'DELIVERED');
    expect((await webhook('DHL-sandbox', event)).body.outcome).toBe('APPLIED');
    expect((await webhook('DHL-sandbox', event)).body.outcome).toBe('DUPLICATE');
    expect(await statusOf(shipment.id)).toBe('DELIVERED');
    const outbox = await t.sql(
      `SELECT topic, payload FROM outbox WHERE payload->>'orderId' = (SELECT order_id::text FROM shipment WHERE id = $1)`,
      [shipment.id],
    );
    expect(outbox.map((r) => r.topic)).toEqual(
      expect.arrayContaining([
        'shipping.shipment.delivered',
        expect.stringMatching(/^order\.updated\./),
      ]),
    );
    expect(outbox.filter((r) => r.topic === 'shipping.shipment.delivered')).toHaveLength(1);
  });

  it('records a late earlier event in the history without moving the status back', async () => {
    const shipment = await createShipment();
    await webhook('DHL-sandbox', tracking(shipment.trackingNumber, 'OUT_FOR_DELIVERY'));
    const late = await webhook(
      'DHL-sandbox',
      tracking(shipment.trackingNumber, 'IN_TRANSIT', undefined, new Date(Date.now() - 3600_000)),
    );
    expect(late.body.outcome).toBe('RECORDED');
    expect(await statusOf(shipment.id)).toBe('OUT_FOR_DELIVERY');
    const { shipment: read } = await t.data(
      `query ($id: ID!) { shipment(id: $id) { trackingEvents { status } } }`,
      { id: shipment.id },
      staff,
    );
    expect(read.trackingEvents.map((e: { status: string }) => e.status)).toEqual([
      'IN_TRANSIT',
      'LABEL_PURCHASED',
      'OUT_FOR_DELIVERY',
    ]);
  });

  it('refuses a bad signature, an old timestamp and an unknown tracking number, changing nothing', async () => {
    const shipment = await createShipment();
    const event = tracking(shipment.trackingNumber, 'DELIVERED');
    expect(await webhook('DHL-sandbox', event, { secret: 'wrong' })).toMatchObject({
      status: 400,
      body: { error: { code: 'WEBHOOK_SIGNATURE_INVALID' } },
    });
    const old = Math.floor(Date.now() / 1000) - 301;
    expect(await webhook('DHL-sandbox', event, { at: old })).toMatchObject({
      status: 400,
      body: { error: { code: 'WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE' } },
    });
    expect(await webhook('DHL-sandbox', tracking('00340434999999', 'DELIVERED'))).toMatchObject({
      status: 404,
      body: { error: { code: 'TRACKING_NUMBER_UNKNOWN' } },
    });
    // The right number at the wrong carrier is unknown there too.
    expect((await webhook('UPS-sandbox', event)).status).toBe(404);
    expect(await statusOf(shipment.id)).toBe('LABEL_PURCHASED');
    expect(
      await t.sql(`SELECT 1 FROM tracking_event WHERE event_id LIKE $1`, [`%${event.id}`]),
    ).toEqual([]);
  });
});

describe('Order.shipments', () => {
  const SHIPMENTS = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { shipments { trackingNumber } } } }`;

  it('shows shipments to whoever orders lets read the order and to shipping staff only', async () => {
    const orderId = randomUUID();
    const shipment = await createShipment({ orderId });
    const reps = [{ __typename: 'Order', id: orderId, accessGrant: 'grant' }];
    const stranger = await t.data(SHIPMENTS, { reps }, { viewer: viewers.customer(randomUUID()) });
    expect(stranger._entities).toEqual([null]);
    readableOrderIds = new Set([orderId]);
    const owner = await t.data(SHIPMENTS, { reps }, { viewer: viewers.customer(randomUUID()) });
    expect(owner._entities[0].shipments).toEqual([{ trackingNumber: shipment.trackingNumber }]);
    readableOrderIds = new Set();
    const asStaff = await t.data(SHIPMENTS, { reps }, staff);
    expect(asStaff._entities[0].shipments).toHaveLength(1);
  });
});
