import type { TestPlatform } from './platform';
import { mutate, warehouseIn } from './fulfillment';
import { createProduct, receiveStock } from './shop';

/** The warehouse floor's operations, as a scanner would send them. */
export const SCAN = `mutation ($input: PickScanInput!) {
  pickScan(input: $input) { fulfillment { status lines { sku pickedQuantity } } userErrors { field code } } }`;
export const PACK = `mutation ($id: ID!) { fulfillmentPack(fulfillmentId: $id) { fulfillment { status } userErrors { code } } }`;
export const SHIP = `mutation ($input: FulfillmentShipInput!) {
  fulfillmentShip(input: $input) {
    fulfillment { status carrier trackingNumber shipmentId packingSlipPdf } userErrors { field code message } } }`;
export const PICK_LIST = `mutation ($input: PickListCreateInput!) {
  pickListCreate(input: $input) {
    pickList { id fulfillments { id status } items { binLocation sku quantity } }
    userErrors { code }
  } }`;
export const CONFIRM = `mutation ($input: PickConfirmInput!) {
  pickConfirm(input: $input) { fulfillment { status } userErrors { field code } } }`;

/** A warehouse's wave for this fulfillment, every line picked as listed, then packed. */
export async function pickAndPack(
  platform: TestPlatform,
  fulfillment: {
    id: string;
    warehouse: { id: string };
    lines: { sku: string; quantity: number }[];
  },
): Promise<void> {
  const list = await mutate(platform, PICK_LIST, {
    input: { warehouseId: fulfillment.warehouse.id },
  });
  expect(list.pickList.fulfillments).toContainEqual({ id: fulfillment.id, status: 'PICKING' });
  const confirmed = await mutate(platform, CONFIRM, {
    input: {
      fulfillmentId: fulfillment.id,
      lines: fulfillment.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
    },
  });
  expect(confirmed).toEqual({ fulfillment: { status: 'PICKED' }, userErrors: [] });
  expect((await mutate(platform, PACK, { id: fulfillment.id })).fulfillment.status).toBe('PACKED');
}

export interface TwoWarehouses {
  berlin: string;
  paris: string;
  tee: string;
  mug: string;
  cap: string;
  sock: string;
}

/**
 * Berlin and Paris with tees in both, mugs in Berlin (tee and mug with bins), caps only in
 * Berlin and socks only in Paris: an order of a cap and socks needs two parcels.
 */
export async function stockTwoWarehouses(platform: TestPlatform): Promise<TwoWarehouses> {
  const product = await createProduct(platform, 'Linen Tee', [
    { sku: 'FUL-TEE', price: 2000 },
    { sku: 'FUL-MUG', price: 1200 },
  ]);
  const [tee, mug] = product.variants.map((v) => v.id) as [string, string];
  const more = await createProduct(platform, 'Wool Set', [
    { sku: 'FUL-CAP', price: 1500 },
    { sku: 'FUL-SOCK', price: 800 },
  ]);
  const [cap, sock] = more.variants.map((v) => v.id) as [string, string];
  const berlin = await warehouseIn(platform, 'FUL-BER', 'DE');
  const paris = await warehouseIn(platform, 'FUL-PAR', 'FR');
  await receiveStock(platform, 'FUL-TEE', berlin, 5);
  await receiveStock(platform, 'FUL-MUG', berlin, 5);
  await receiveStock(platform, 'FUL-TEE', paris, 20);
  await receiveStock(platform, 'FUL-CAP', berlin, 10);
  await receiveStock(platform, 'FUL-SOCK', paris, 10);
  for (const [sku, location] of [
    ['FUL-TEE', 'B-02-1'],
    ['FUL-MUG', 'A-01-3'],
  ] as const) {
    const bin = await mutate(
      platform,
      `mutation ($input: BinSetInput!) { binSet(input: $input) { bin { location } userErrors { code } } }`,
      { input: { warehouseId: berlin, sku, location } },
    );
    expect(bin.userErrors).toEqual([]);
  }
  return { berlin, paris, tee, mug, cap, sock };
}
