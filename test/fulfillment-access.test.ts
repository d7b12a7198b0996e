import { randomUUID } from 'node:crypto';
import { dataOf, postGraphQL } from '../platform/testing/graphql-client';
import { viewers } from '../platform/testing/harness';
import { bootstrapAdmin, callerOf, staffToken as staffTokenOf } from './support/accounts';
import type { FulfillmentServices } from '../subgraphs/fulfillment/index';
import { eventually, warehouseIn } from './support/fulfillment';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { ADDRESS, createProduct, createWarehouse, receiveStock } from './support/shop';

/**
 * Order.fulfillments and Order.fulfillmentOrder with authorization enforced: fulfillment
 * asks orders whether the caller may read the order (a guest with the access token may),
 * and the warehouse floor is for fulfillment:manage only.
 */
const ADMIN = { email: 'fulfillment-root@shop.test', password: 'correct horse battery staple' };
let platform: TestPlatform;
let staffToken: string;
let guest: { orderId: string; accessToken: string };
let shipFrom: string;

const as = (token: string | null) => callerOf(() => platform.router.url, token);

const FULFILLMENTS_OF = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Order { id fulfillments { id status } } }
}`;
const ORDER = `query ($id: ID!, $t: String) {
  order(id: $id, accessToken: $t) { id fulfillmentOrder { status } fulfillments { status } }
}`;

let clearAdmin = (): void => {};
beforeAll(async () => {
  clearAdmin = bootstrapAdmin(ADMIN);
  platform = await startTestPlatform('fulfillment_access', { authorization: 'enforced' });
  staffToken = await staffTokenOf(as(null), ADMIN.email, ADMIN.password);
  const admin = { ...platform, query: as(staffToken) } as TestPlatform;
  const variantId = (await createProduct(admin, 'Boxed Mug', [{ sku: 'ACC-MUG', price: 1500 }]))
    .variants[0]!.id;
  await receiveStock(admin, 'ACC-MUG', await createWarehouse(admin, 'ACC-1'), 10);
  shipFrom = await warehouseIn(admin, 'ACC-2', 'DE');
  const cart = dataOf(
    await as(null)(
      `mutation ($v: ID!) { cartCreate(input: { lines: [{ variantId: $v, quantity: 1 }] }) { cart { id } } }`,
      { v: variantId },
    ),
  ).cartCreate.cart;
  const checkout = dataOf(
    await as(null)(
      `mutation ($input: CheckoutInput!) { checkout(input: $input) { order { id } orderAccessToken userErrors { code } } }`,
      {
        input: {
          cartId: cart.id,
          idempotencyKey: randomUUID(),
          email: 'guest@example.com',
          shippingAddress: ADDRESS,
          payment: { token: 'tok_visa' },
        },
      },
    ),
  ).checkout;
  expect(checkout.userErrors).toEqual([]);
  guest = { orderId: checkout.order.id, accessToken: checkout.orderAccessToken };
  const captured = dataOf(
    await as(staffToken)(`mutation ($id: ID!) { orderCapture(id: $id) { userErrors { code } } }`, {
      id: guest.orderId,
    }),
  ).orderCapture;
  expect(captured.userErrors).toEqual([]);
});

afterAll(async () => {
  clearAdmin();
  await platform?.stop();
});

describe('who sees an order’s fulfillments', () => {
  it('shows the guest holding the access token, and staff', async () => {
    const seen = await eventually(
      async () => dataOf(await as(null)(ORDER, { id: guest.orderId, t: guest.accessToken })).order,
      (order) => order.fulfillments?.length === 1,
    );
    expect(seen).toEqual({
      id: guest.orderId,
      fulfillmentOrder: { status: 'IN_PROGRESS' },
      fulfillments: [{ status: 'ASSIGNED' }],
    });
    const staff = dataOf(await as(staffToken)(ORDER, { id: guest.orderId })).order;
    expect(staff.fulfillments).toEqual([{ status: 'ASSIGNED' }]);
  });

  it('answers an anonymous, foreign or forged _entities call without them', async () => {
    for (const [viewer, grant] of [
      [viewers.anonymous, undefined],
      [viewers.customer(randomUUID()), undefined],
      [viewers.anonymous, 'forged-grant'],
    ] as const) {
      const answer = await postGraphQL(
        platform.subgraphUrls.fulfillment!,
        FULFILLMENTS_OF,
        {
          representations: [
            { __typename: 'Order', id: guest.orderId, ...(grant ? { accessGrant: grant } : {}) },
          ],
        },
        { viewer },
      );
      expect(answer.errors).toBeUndefined();
      expect(answer.data!._entities).toEqual([null]);
    }
  });

  it('keeps the warehouse floor for fulfillment:manage', async () => {
    const floor = `mutation { fulfillmentHold(input: { fulfillmentId: "${randomUUID()}", reason: "x" }) { userErrors { code } } }`;
    expect((await as(null)(floor)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const customer = await postGraphQL(
      platform.subgraphUrls.fulfillment!,
      floor,
      {},
      {
        viewer: viewers.customer(randomUUID()),
      },
    );
    expect(customer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('lets the fulfillment service buy labels in shipping, and no customer', async () => {
    const create = `mutation ($input: ShipmentCreateInput!) { shipmentCreate(input: $input) { shipment { id } userErrors { code } } }`;
    const input = {
      orderId: guest.orderId,
      idempotencyKey: randomUUID(),
      fromAddress: ADDRESS,
      toAddress: ADDRESS,
      parcels: [{ weightGrams: 500, lines: [{ sku: 'ACC-MUG', quantity: 1 }] }],
      carrier: 'DHL-sandbox',
    };
    expect((await as(null)(create, { input })).errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
    const customer = await postGraphQL(
      platform.subgraphUrls.shipping!,
      create,
      { input },
      { viewer: viewers.customer(randomUUID()) },
    );
    expect(customer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Signed as the fulfillment service, with authorization enforced: the label is bought.
    const label = await (
      platform.subgraphs.fulfillment!.services as FulfillmentServices
    ).fulfillment.ports.labels.purchase({
      fulfillmentId: randomUUID(),
      orderId: guest.orderId,
      warehouseId: shipFrom,
      shipTo: ADDRESS,
      lines: [{ sku: 'ACC-MUG', quantity: 1 }],
    });
    expect(label.trackingNumber).toMatch(/^00340434/);
    // The guest sees the parcel on the order; nobody else's.
    const order = await eventually(
      async () =>
        dataOf(
          await as(null)(
            `query ($id: ID!, $t: String) { order(id: $id, accessToken: $t) { shipments { trackingNumber } } }`,
            { id: guest.orderId, t: guest.accessToken },
          ),
        ).order,
      (o) => o.shipments?.length === 1,
    );
    expect(order.shipments).toEqual([{ trackingNumber: label.trackingNumber }]);
  });
});
