import { dataOf } from '../platform/testing/graphql-client';
import { startTestPlatform, type TestPlatform } from './support/platform';
import {
  confirmedOrder,
  EDIT_PREVIEW,
  orderView,
  RETURN_APPROVE,
  RETURN_REQUEST,
  run,
} from './support/changes';
import { shipAll, warehouseView } from './support/change-shipping';
import { carrierWebhook, eventually, warehouseIn } from './support/fulfillment';
import { createProduct, receiveStock } from './support/shop';

/**
 * "Shipped" per line, from fulfillment's parcel events: an order split into two parcels is
 * edited, returned and labelled line by line, before the whole order is delivered.
 */
let platform: TestPlatform;
let cap: string;
let sock: string;

beforeAll(async () => {
  platform = await startTestPlatform('orderlineshipping');
  const product = await createProduct(platform, 'Split Set', [
    { sku: 'OLS-CAP', price: 1500 },
    { sku: 'OLS-SOCK', price: 800 },
  ]);
  [cap, sock] = product.variants.map((v) => v.id) as [string, string];
  // Caps in one warehouse, socks in another: an order of both ships as two parcels.
  await receiveStock(platform, 'OLS-CAP', await warehouseIn(platform, 'OLS-A', 'DE'), 10);
  await receiveStock(platform, 'OLS-SOCK', await warehouseIn(platform, 'OLS-B', 'DE'), 10);
});

afterAll(async () => {
  await platform?.stop();
});

const SHIPMENTS = `query ($id: ID!) { order(id: $id) {
  shipments { id trackingNumber returnLabels { trackingNumber } } } }`;

const lineProgress = async (id: string) =>
  dataOf(
    await platform.query(
      `query ($id: ID!) { order(id: $id) { status lines { id sku shippedQuantity deliveredQuantity } } }`,
      { id },
    ),
  ).order;

type Parcel = {
  id: string;
  status: string;
  warehouse: { id: string };
  lines: { sku: string; quantity: number }[];
};

describe('shipped and delivered per order line', () => {
  it('a line that left is not edited, a delivered one is returned with its own parcel’s label', async () => {
    const orderId = await confirmedOrder(platform, [
      { variantId: cap, quantity: 1 },
      { variantId: sock, quantity: 2 },
    ]);
    const assigned = await eventually(
      () => warehouseView(platform, orderId),
      (o) => o.fulfillments?.length === 2,
    );
    const parcelOf = (sku: string) =>
      assigned.fulfillments.find((f: Parcel) => f.lines[0]!.sku === sku) as Parcel;
    const [capParcel] = await shipAll(platform, [parcelOf('OLS-CAP')]);
    const lineOf = async (sku: string) =>
      (await orderView(platform, orderId)).lines.find((l: { sku: string }) => l.sku === sku);
    const lines = await eventually(
      () => lineProgress(orderId),
      (o) => o.lines.some((l: { shippedQuantity: number }) => l.shippedQuantity > 0),
    );
    // Half the order left: it is still CONFIRMED, but the cap line has shipped.
    expect(lines).toMatchObject({
      status: 'CONFIRMED',
      lines: [
        { sku: 'OLS-CAP', shippedQuantity: 1, deliveredQuantity: 0 },
        { sku: 'OLS-SOCK', shippedQuantity: 0, deliveredQuantity: 0 },
      ],
    });
    const capLine = await lineOf('OLS-CAP');
    const sockLine = await lineOf('OLS-SOCK');
    const edited = await run(platform, EDIT_PREVIEW, {
      input: { orderId, updateLines: [{ lineId: capLine.id, quantity: 2 }] },
    });
    expect(edited.userErrors).toEqual([
      expect.objectContaining({
        code: 'LINE_ALREADY_SHIPPED',
        field: ['input', 'updateLines', '0', 'lineId'],
      }),
    ]);
    // The socks have not left: they may still change.
    const socks = await run(platform, EDIT_PREVIEW, {
      input: { orderId, updateLines: [{ lineId: sockLine.id, quantity: 1 }] },
    });
    expect(socks.userErrors).toEqual([]);

    const [sockParcel] = await shipAll(platform, [parcelOf('OLS-SOCK')]);
    for (const parcel of [capParcel!, sockParcel!]) {
      const answer = await carrierWebhook(platform, parcel.carrier, {
        trackingNumber: parcel.trackingNumber,
        status: 'DELIVERED',
      });
      expect(answer.status).toBe(200);
    }
    await eventually(
      () => orderView(platform, orderId),
      (o) => o.status === 'DELIVERED',
    );
    // The line whose parcel is not the order's first shipment (what labels used to go by).
    const [{ shipment_ids: first }] = await platform.subgraphs.orders!.dataSource.query(
      `SELECT shipment_ids FROM orders.customer_order WHERE id = $1`,
      [orderId],
    );
    const { shipments } = dataOf(await platform.query(SHIPMENTS, { id: orderId })).order;
    expect(shipments).toHaveLength(2);
    const other = shipments.find((s: { id: string }) => s.id !== first[0]);
    const [line, parcel] =
      other.trackingNumber === sockParcel!.trackingNumber ? [sockLine, other] : [capLine, other];
    const returned = await run(platform, RETURN_REQUEST, {
      input: { orderId, items: [{ lineId: line.id, quantity: 1 }], reason: 'Too warm' },
    });
    expect(returned.userErrors).toEqual([]);
    const approved = await run(platform, RETURN_APPROVE, { id: returned.change.id });
    const label = approved.change.returnLabel.trackingNumber;
    const after = dataOf(await platform.query(SHIPMENTS, { id: orderId })).order.shipments;
    expect(after).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: parcel.id, returnLabels: [{ trackingNumber: label }] }),
        expect.objectContaining({ id: first[0], returnLabels: [] }),
      ]),
    );
  });

  it('a delivered parcel’s line is returned before the rest of the order arrives', async () => {
    const orderId = await confirmedOrder(platform, [
      { variantId: cap, quantity: 1 },
      { variantId: sock, quantity: 1 },
    ]);
    const assigned = await eventually(
      () => warehouseView(platform, orderId),
      (o) => o.fulfillments?.length === 2,
    );
    const capParcel = assigned.fulfillments.find(
      (f: Parcel) => f.lines[0]!.sku === 'OLS-CAP',
    ) as Parcel;
    const [shipped] = await shipAll(platform, [capParcel]);
    await carrierWebhook(platform, shipped!.carrier, {
      trackingNumber: shipped!.trackingNumber,
      status: 'DELIVERED',
    });
    const view = await eventually(
      () => lineProgress(orderId),
      (o) => o.lines.some((l: { deliveredQuantity: number }) => l.deliveredQuantity === 1),
    );
    const capLine = view.lines.find((l: { sku: string }) => l.sku === 'OLS-CAP');
    const sockLine = view.lines.find((l: { sku: string }) => l.sku === 'OLS-SOCK');
    expect(sockLine).toMatchObject({ shippedQuantity: 0, deliveredQuantity: 0 });
    const early = await run(platform, RETURN_REQUEST, {
      input: { orderId, items: [{ lineId: capLine.id, quantity: 1 }], reason: 'Wrong size' },
    });
    expect(early.userErrors).toEqual([]);
    expect(early.change).toMatchObject({ kind: 'RETURN', status: 'REQUESTED' });
    expect((await orderView(platform, orderId)).status).toBe('CONFIRMED');
    const notYet = await run(platform, RETURN_REQUEST, {
      input: { orderId, items: [{ lineId: sockLine.id, quantity: 1 }], reason: 'Wrong size' },
    });
    expect(notYet.userErrors).toEqual([
      expect.objectContaining({
        code: 'RETURN_QUANTITY_EXCEEDED',
        field: ['input', 'items', '0', 'quantity'],
      }),
    ]);
  });
});
