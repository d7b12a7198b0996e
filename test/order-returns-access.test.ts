import { randomUUID } from 'node:crypto';
import { dataOf } from '../platform/testing/graphql-client';
import {
  createCommerceClient,
  OrderChangesDocument,
  OrderClaimCreateDocument,
  OrderEditPreviewDocument,
  ReturnApproveDocument,
  ReturnRequestDocument,
} from '../sdk/node';
import {
  bootstrapAdmin,
  callerOf,
  customerToken,
  registerVerified,
  staffToken,
} from './support/accounts';
import { startTestPlatform, type TestPlatform } from './support/platform';
import {
  CHECKOUT,
  cartWith,
  checkoutInput,
  createProduct,
  createWarehouse,
  receiveStock,
} from './support/shop';

/** With tokens deciding: customers reach their own orders' returns only; staff need the permission. */
const ADMIN = { email: 'returns-root@shop.test', password: 'correct horse battery staple' };
let platform: TestPlatform;
let clearAdmin: () => void;
let staffBearer: string;
let ada: string;
let bob: string;
let variantId: string;

beforeAll(async () => {
  clearAdmin = bootstrapAdmin(ADMIN);
  platform = await startTestPlatform('returnsaccess', {
    authorization: 'enforced',
    background: true,
  });
  const anonymous = callerOf(() => platform.router.url, null);
  staffBearer = await staffToken(anonymous, ADMIN.email, ADMIN.password);
  const admin = {
    ...platform,
    query: callerOf(() => platform.router.url, staffBearer),
  } as TestPlatform;
  variantId = (await createProduct(admin, 'Access Tee', [{ sku: 'ACC-TEE', price: 2000 }]))
    .variants[0]!.id;
  await receiveStock(admin, 'ACC-TEE', await createWarehouse(admin, 'ACC-1'), 10);
  for (const [email, set] of [
    ['ada-returns@example.com', (t: string) => (ada = t)],
    ['bob-returns@example.com', (t: string) => (bob = t)],
  ] as const) {
    await registerVerified(anonymous, email, 'a long enough passphrase 1');
    set(await customerToken(anonymous, email, 'a long enough passphrase 1'));
  }
});

afterAll(async () => {
  clearAdmin?.();
  await platform?.stop();
});

/** Ada's order, bought signed in, captured and delivered by staff. */
async function adasDeliveredOrder(): Promise<{ orderId: string; lineId: string }> {
  const asAda = callerOf(() => platform.router.url, ada);
  const asStaff = callerOf(() => platform.router.url, staffBearer);
  const cartId = await cartWith({ ...platform, query: asAda } as TestPlatform, [
    { variantId, quantity: 1 },
  ]);
  const placed = dataOf(
    await asAda(CHECKOUT, { input: checkoutInput(cartId, randomUUID()) }),
  ).checkout;
  expect(placed.userErrors).toEqual([]);
  for (const step of ['orderCapture', 'orderFulfill', 'orderMarkDelivered']) {
    const moved = dataOf(
      await asStaff(`mutation ($id: ID!) { ${step}(id: $id) { userErrors { code } } }`, {
        id: placed.order.id,
      }),
    )[step];
    expect(moved.userErrors).toEqual([]);
  }
  const lines = dataOf(
    await asAda(`query ($id: ID!) { order(id: $id) { lines { id } } }`, { id: placed.order.id }),
  ).order.lines;
  return { orderId: placed.order.id, lineId: lines[0].id };
}

describe('who may return what (through the SDK)', () => {
  it('the customer returns their own order; another customer and a customer approving are refused', async () => {
    const url = platform.router.url;
    const storefront = createCommerceClient({ url, getToken: () => ada });
    const stranger = createCommerceClient({ url, getToken: () => bob });
    const staffTool = createCommerceClient({ url, getToken: () => staffBearer });
    try {
      const { orderId, lineId } = await adasDeliveredOrder();
      const input = { orderId, items: [{ lineId, quantity: 1 }], reason: 'Wrong colour' };

      const { returnRequest: foreign } = await stranger.request(ReturnRequestDocument, { input });
      expect(foreign.userErrors).toEqual([
        expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'orderId'] }),
      ]);

      const { returnRequest } = await storefront.request(ReturnRequestDocument, { input });
      expect(returnRequest.userErrors).toEqual([]);
      expect(returnRequest.change).toMatchObject({ kind: 'RETURN', status: 'REQUESTED' });
      const id = returnRequest.change!.id;

      // Approving is staff's (returns:manage); so is editing (orders:edit).
      await expect(storefront.request(ReturnApproveDocument, { id })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      await expect(
        storefront.request(OrderEditPreviewDocument, { input: { orderId } }),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
      const { returnApprove } = await staffTool.request(ReturnApproveDocument, { id });
      expect(returnApprove.change!.status).toBe('APPROVED');

      // Ada follows her return on her order; Bob cannot see the order at all.
      const { order } = await storefront.request(OrderChangesDocument, { id: orderId });
      expect(order!.changes).toEqual([expect.objectContaining({ id, status: 'APPROVED' })]);
      expect((await stranger.request(OrderChangesDocument, { id: orderId })).order).toBeNull();
    } finally {
      await Promise.all([storefront.close(), stranger.close(), staffTool.close()]);
    }
  });

  it("claims are staff's: the customer is refused, staff claim through the SDK", async () => {
    const url = platform.router.url;
    const storefront = createCommerceClient({ url, getToken: () => ada });
    const staffTool = createCommerceClient({ url, getToken: () => staffBearer });
    try {
      const { orderId, lineId } = await adasDeliveredOrder();
      const input = {
        orderId,
        idempotencyKey: randomUUID(),
        reason: 'DAMAGED' as const,
        resolution: 'REFUND' as const,
        items: [{ lineId, quantity: 1 }],
      };
      await expect(storefront.request(OrderClaimCreateDocument, { input })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      const { orderClaimCreate } = await staffTool.request(OrderClaimCreateDocument, { input });
      expect(orderClaimCreate.userErrors).toEqual([]);
      expect(orderClaimCreate.change).toMatchObject({
        kind: 'CLAIM',
        status: 'REFUNDED',
        claimReason: 'DAMAGED',
        resolution: 'REFUND',
      });
      // Ada sees the claim on her order.
      const { order } = await storefront.request(OrderChangesDocument, { id: orderId });
      expect(order!.changes).toEqual([expect.objectContaining({ kind: 'CLAIM' })]);
    } finally {
      await Promise.all([storefront.close(), staffTool.close()]);
    }
  });
});
