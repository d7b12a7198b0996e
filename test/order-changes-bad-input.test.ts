import { startTestPlatform, type TestPlatform } from './support/platform';
import {
  type ChangeShop,
  confirmedOrder,
  EDIT_COMMIT,
  EDIT_PREVIEW,
  handDelivered,
  orderView,
  previewEdit,
  RETURN_APPROVE,
  RETURN_RECEIVE,
  RETURN_REQUEST,
  RETURN_SETTLE,
  run,
  stockChangeShop,
} from './support/changes';
import { stockOf } from './support/shop';

/** Each refusal of an order change: a clear code with its field, and nothing changed. */
let platform: TestPlatform;
let shop: ChangeShop;

beforeAll(async () => {
  platform = await startTestPlatform('orderchangebad');
  shop = await stockChangeShop(platform, 'BAD');
});

afterAll(async () => {
  await platform?.stop();
});

const request = (orderId: string, lineId: string, quantity: number) =>
  run(platform, RETURN_REQUEST, {
    input: { orderId, items: [{ lineId, quantity }], reason: 'Changed my mind' },
  });

describe('order changes refuse bad input', () => {
  it('returning more than was delivered, or before delivery', async () => {
    const orderId = await handDelivered(platform, [{ variantId: shop.small, quantity: 2 }]);
    const line = (await orderView(platform, orderId)).lines[0];
    const tooMany = await request(orderId, line.id, 3);
    expect(tooMany.userErrors).toEqual([
      expect.objectContaining({
        code: 'RETURN_QUANTITY_EXCEEDED',
        field: ['input', 'items', '0', 'quantity'],
      }),
    ]);
    // Two were delivered: one comes back, then two more would be one too many.
    expect((await request(orderId, line.id, 1)).userErrors).toEqual([]);
    expect((await request(orderId, line.id, 2)).userErrors[0].code).toBe(
      'RETURN_QUANTITY_EXCEEDED',
    );
    expect((await orderView(platform, orderId)).changes).toHaveLength(1);

    const notYet = await confirmedOrder(platform, [{ variantId: shop.small, quantity: 1 }]);
    const notYetLine = (await orderView(platform, notYet)).lines[0];
    expect((await request(notYet, notYetLine.id, 1)).userErrors[0].code).toBe(
      'RETURN_QUANTITY_EXCEEDED',
    );
    expect((await orderView(platform, notYet)).changes).toEqual([]);
  });

  it('returning after the return window', async () => {
    const orderId = await handDelivered(platform, [{ variantId: shop.small, quantity: 1 }]);
    const line = (await orderView(platform, orderId)).lines[0];
    // Delivered 31 days ago (ORDERS_RETURN_WINDOW_DAYS is 30).
    await platform.subgraphs.orders!.dataSource.query(
      `UPDATE orders.customer_order SET delivered_at = now() - interval '31 days' WHERE id = $1`,
      [orderId],
    );
    const late = await request(orderId, line.id, 1);
    expect(late.userErrors).toEqual([
      expect.objectContaining({ code: 'RETURN_WINDOW_CLOSED', field: ['input', 'orderId'] }),
    ]);
    expect((await orderView(platform, orderId)).changes).toEqual([]);
  });

  it('editing a shipped line', async () => {
    const orderId = await handDelivered(platform, [{ variantId: shop.small, quantity: 1 }]);
    const line = (await orderView(platform, orderId)).lines[0];
    const edited = await run(platform, EDIT_PREVIEW, {
      input: { orderId, updateLines: [{ lineId: line.id, quantity: 2 }] },
    });
    expect(edited.userErrors).toEqual([
      expect.objectContaining({
        code: 'LINE_ALREADY_SHIPPED',
        field: ['input', 'updateLines', '0', 'lineId'],
      }),
    ]);
    expect(await orderView(platform, orderId)).toMatchObject({ version: 1, changes: [] });
  });

  it('committing a preview another change has overtaken', async () => {
    const orderId = await confirmedOrder(platform, [{ variantId: shop.small, quantity: 1 }]);
    const lineId = (await orderView(platform, orderId)).lines[0].id;
    const first = await previewEdit(platform, { orderId, updateLines: [{ lineId, quantity: 2 }] });
    const second = await previewEdit(platform, {
      orderId,
      addLines: [{ variantId: shop.mug, quantity: 1 }],
    });
    const pay = { token: 'tok_visa' };
    expect(
      (await run(platform, EDIT_COMMIT, { input: { changeId: second.id, payment: pay } }))
        .userErrors,
    ).toEqual([]);
    const after = await orderView(platform, orderId);
    const smalls = await stockOf(platform, 'BAD-S');
    const stale = await run(platform, EDIT_COMMIT, { input: { changeId: first.id, payment: pay } });
    expect(stale.userErrors).toEqual([
      expect.objectContaining({ code: 'ORDER_CHANGE_STALE', field: ['input', 'changeId'] }),
    ]);
    expect(await orderView(platform, orderId)).toEqual(after);
    expect(await stockOf(platform, 'BAD-S')).toEqual(smalls);
  });

  it('a refund larger than what is left captured', async () => {
    const orderId = await handDelivered(platform, [{ variantId: shop.mug, quantity: 1 }]);
    const order = await orderView(platform, orderId);
    // 12.00 + 4.95: staff refund all but 5.00 first.
    expect(order.total.amount).toBe(1695);
    const refunded = await run(
      platform,
      `mutation ($id: ID!) { orderRefund(id: $id, amount: 1195, idempotencyKey: "bad-refund-1") {
        userErrors { code } } }`,
      { id: orderId },
    );
    expect(refunded.userErrors).toEqual([]);
    const lineId = order.lines[0].id;
    const id = (await request(orderId, lineId, 1)).change.id;
    await run(platform, RETURN_APPROVE, { id });
    await run(platform, RETURN_RECEIVE, { id, items: [{ lineId, condition: 'DAMAGED' }] });
    const settled = await run(platform, RETURN_SETTLE, { input: { id } });
    expect(settled.userErrors).toEqual([
      expect.objectContaining({ code: 'REFUND_EXCEEDS_CAPTURED', field: ['input', 'id'] }),
    ]);
    const after = await orderView(platform, orderId);
    expect(after.changes).toEqual([expect.objectContaining({ id, status: 'RECEIVED' })]);
    expect(after.payments[0].refundedAmount.amount).toBe(1195);
    expect(after.version).toBe(1);
  });

  it('a malformed id and a return of someone else’s line', async () => {
    const orderId = await handDelivered(platform, [{ variantId: shop.small, quantity: 1 }]);
    const other = await handDelivered(platform, [{ variantId: shop.small, quantity: 1 }]);
    const otherLine = (await orderView(platform, other)).lines[0].id;
    expect((await request(orderId, otherLine, 1)).userErrors).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'items', '0', 'lineId'] }),
    ]);
    expect((await request(orderId, 'not-an-id', 1)).userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_ID', field: ['input', 'items', '0', 'lineId'] }),
    ]);
  });
});
