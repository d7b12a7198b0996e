import { dataOf } from '../../platform/testing/graphql-client';
import {
  carrierWebhook,
  confirmedOrder,
  eventually,
  mutate,
  orderFulfillment,
  warehouseIn,
} from './fulfillment';
import { pickAndPack, SHIP } from './warehouse-floor';
import type { TestPlatform } from './platform';
import { createProduct, receiveStock } from './shop';

/** Goods for order changes: a tee in S, M and L (L dearer) and a mug, stocked in Berlin. */
export interface ChangeShop {
  warehouse: string;
  small: string;
  medium: string;
  large: string;
  mug: string;
}

export async function stockChangeShop(platform: TestPlatform, prefix: string): Promise<ChangeShop> {
  const tee = await createProduct(platform, `${prefix} Tee`, [
    { sku: `${prefix}-S`, price: 2000 },
    { sku: `${prefix}-M`, price: 2000 },
    { sku: `${prefix}-L`, price: 2500 },
  ]);
  const mug = await createProduct(platform, `${prefix} Mug`, [
    { sku: `${prefix}-MUG`, price: 1200 },
  ]);
  const warehouse = await warehouseIn(platform, `${prefix}-BER`, 'DE');
  for (const sku of ['S', 'M', 'L', 'MUG']) {
    await receiveStock(platform, `${prefix}-${sku}`, warehouse, 10);
  }
  const [small, medium, large] = tee.variants.map((v) => v.id) as [string, string, string];
  return { warehouse, small, medium, large, mug: mug.variants[0]!.id };
}

export { confirmedOrder };

export const CHANGE_FIELDS = /* GraphQL */ `
  change {
    id kind status orderVersion reason failure
    items { lineId sku quantity condition }
    preview { lines { lineId sku quantity unitPrice { amount } lineTotal { amount } }
      subtotal { amount } shipping { amount } tax { amount } total { amount } }
    difference { amount currency }
    returnLabel { trackingNumber }
  }
  order { id version status total { amount } }
  userErrors { field code message }
`;

export const EDIT_PREVIEW = `mutation ($input: OrderEditInput!) {
  orderEditPreview(input: $input) { ${CHANGE_FIELDS} } }`;
export const EDIT_COMMIT = `mutation ($input: OrderEditCommitInput!) {
  orderEditCommit(input: $input) { ${CHANGE_FIELDS} } }`;
export const RETURN_REQUEST = `mutation ($input: ReturnRequestInput!) {
  returnRequest(input: $input) { ${CHANGE_FIELDS} } }`;
export const RETURN_APPROVE = `mutation ($id: ID!) { returnApprove(id: $id) { ${CHANGE_FIELDS} } }`;
export const RETURN_REJECT = `mutation ($id: ID!) { returnReject(id: $id, reason: "no") { ${CHANGE_FIELDS} } }`;
export const RETURN_RECEIVE = `mutation ($id: ID!, $items: [ReturnReceivedItemInput!]!) {
  returnReceive(id: $id, items: $items) { ${CHANGE_FIELDS} } }`;
export const RETURN_SETTLE = `mutation ($input: ReturnSettleInput!) {
  returnSettle(input: $input) { ${CHANGE_FIELDS} } }`;

export const ORDER_VIEW = /* GraphQL */ `
  query ($id: ID!) {
    order(id: $id) {
      status
      version
      total {
        amount
      }
      subtotal {
        amount
      }
      shipping {
        amount
      }
      lines {
        id
        sku
        quantity
        lineTotal {
          amount
        }
      }
      changes {
        id
        kind
        status
        orderVersion
        difference {
          amount
        }
      }
      payments {
        status
        amount {
          amount
        }
        capturedAmount {
          amount
        }
        refundedAmount {
          amount
        }
      }
    }
  }
`;

export async function orderView(platform: TestPlatform, id: string) {
  return dataOf(await platform.query(ORDER_VIEW, { id })).order;
}

export const run = mutate;

/** A previewed edit; its userErrors must be empty. */
export async function previewEdit(platform: TestPlatform, input: Record<string, unknown>) {
  const previewed = await mutate(platform, EDIT_PREVIEW, { input });
  expect(previewed.userErrors).toEqual([]);
  return previewed.change as { id: string; difference: { amount: number }; orderVersion: number };
}

/** A SKU's ledger through the router (staff), oldest first. */
export async function ledgerOf(platform: TestPlatform, sku: string) {
  const edges = dataOf(
    await platform.query(
      `query ($sku: String!) { stockMovements(sku: $sku, first: 100) {
        edges { node { kind onHandDelta reservedDelta reference } } } }`,
      { sku },
    ),
  ).stockMovements.edges as {
    node: { kind: string; onHandDelta: number; reservedDelta: number; reference: string };
  }[];
  return edges.map((e) => e.node).reverse();
}

/**
 * A CONFIRMED order taken through the warehouse floor and the carrier: picked, packed,
 * shipped with a label from shipping, and DELIVERED by the carrier's webhook (so orders
 * knows the shipment a return label is bought against).
 */
export async function deliveredOrder(
  platform: TestPlatform,
  lines: { variantId: string; quantity: number }[],
): Promise<string> {
  return deliverConfirmed(platform, await confirmedOrder(platform, lines));
}

/**
 * A CONFIRMED order (a customer's own, say) through the floor and the carrier to DELIVERED;
 * `platform.query` must be allowed to run the warehouse (staff).
 */
export async function deliverConfirmed(platform: TestPlatform, orderId: string): Promise<string> {
  const assigned = await eventually(
    () => orderFulfillment(platform, orderId),
    (o) => o.fulfillments?.[0]?.status === 'ASSIGNED',
  );
  const fulfillment = assigned.fulfillments[0];
  await pickAndPack(platform, fulfillment);
  const shipped = await mutate(platform, SHIP, { input: { fulfillmentId: fulfillment.id } });
  expect(shipped.userErrors).toEqual([]);
  const answer = await carrierWebhook(platform, shipped.fulfillment.carrier, {
    trackingNumber: shipped.fulfillment.trackingNumber,
    status: 'DELIVERED',
  });
  expect(answer.status).toBe(200);
  await eventually(
    () => orderView(platform, orderId),
    (o) => o.status === 'DELIVERED',
  );
  return orderId;
}

/** Delivered by staff's overrides (no carrier, so no shipment and no return label). */
export async function handDelivered(
  platform: TestPlatform,
  lines: { variantId: string; quantity: number }[],
): Promise<string> {
  const orderId = await confirmedOrder(platform, lines);
  for (const step of ['orderFulfill', 'orderMarkDelivered']) {
    const moved = await mutate(
      platform,
      `mutation ($id: ID!) { ${step}(id: $id) { order { status } userErrors { code } } }`,
      { id: orderId },
    );
    expect(moved.userErrors).toEqual([]);
  }
  return orderId;
}
