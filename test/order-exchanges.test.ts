import { startTestPlatform, type TestPlatform } from './support/platform';
import {
  type ChangeShop,
  handDelivered,
  ledgerOf,
  orderView,
  RETURN_APPROVE,
  RETURN_RECEIVE,
  RETURN_REQUEST,
  RETURN_SETTLE,
  run,
  stockChangeShop,
} from './support/changes';
import { eventually } from './support/fulfillment';
import { expectLedgerConsistent, stockOf } from './support/shop';

/** Exchanges: the returned size comes back, the new one is reserved, the difference settled. */
let platform: TestPlatform;
let shop: ChangeShop;

beforeAll(async () => {
  platform = await startTestPlatform('orderexchanges');
  shop = await stockChangeShop(platform, 'EXC');
});

afterAll(async () => {
  await platform?.stop();
});

async function exchange(orderId: string, lineId: string, variantId: string) {
  const requested = await run(platform, RETURN_REQUEST, {
    input: {
      orderId,
      items: [{ lineId, quantity: 1 }],
      reason: 'Too small',
      exchangeLines: [{ variantId, quantity: 1 }],
    },
  });
  expect(requested.userErrors).toEqual([]);
  return requested.change;
}

describe('exchanges', () => {
  it('M for L: the 5.00 difference is charged, L reserved, M back on the shelf', async () => {
    const orderId = await handDelivered(platform, [{ variantId: shop.medium, quantity: 1 }]);
    const line = (await orderView(platform, orderId)).lines[0];
    const large = await stockOf(platform, 'EXC-L');
    const medium = await stockOf(platform, 'EXC-M');

    const change = await exchange(orderId, line.id, shop.large);
    expect(change).toMatchObject({
      kind: 'EXCHANGE',
      status: 'REQUESTED',
      items: [{ sku: 'EXC-M', quantity: 1 }],
      preview: {
        lines: [{ lineId: null, sku: 'EXC-L', quantity: 1, lineTotal: { amount: 2500 } }],
        shipping: { amount: 0 },
        total: { amount: 2500 },
      },
      // 25.00 for the L less the 20.00 paid for the M.
      difference: { amount: 500 },
    });
    expect((await run(platform, RETURN_APPROVE, { id: change.id })).change.status).toBe('APPROVED');
    await run(platform, RETURN_RECEIVE, {
      id: change.id,
      items: [{ lineId: line.id, condition: 'RESTOCK' }],
    });
    // More to pay and no card on file for it: the buyer gives one.
    const unpaid = await run(platform, RETURN_SETTLE, { input: { id: change.id } });
    expect(unpaid.userErrors).toEqual([
      expect.objectContaining({ code: 'PAYMENT_REQUIRED', field: ['input', 'payment'] }),
    ]);
    const settled = await run(platform, RETURN_SETTLE, {
      input: { id: change.id, payment: { token: 'tok_visa' } },
    });
    expect(settled.userErrors).toEqual([]);
    expect(settled.change.status).toBe('EXCHANGED');
    expect(settled.order.version).toBe(2);

    const after = await orderView(platform, orderId);
    expect(after.payments).toHaveLength(2);
    expect(after.payments).toContainEqual(
      expect.objectContaining({
        status: 'CAPTURED',
        amount: { amount: 500 },
        capturedAmount: { amount: 500 },
      }),
    );
    expect(after.changes).toEqual([
      expect.objectContaining({
        kind: 'EXCHANGE',
        status: 'EXCHANGED',
        difference: { amount: 500 },
      }),
    ]);
    expect(await stockOf(platform, 'EXC-L')).toMatchObject({
      onHand: large.onHand,
      reserved: large.reserved + 1,
    });
    await eventually(
      () => stockOf(platform, 'EXC-M'),
      (s) => s.onHand === medium.onHand + 1,
    );
    expect((await ledgerOf(platform, 'EXC-L')).at(-1)).toMatchObject({
      kind: 'RESERVATION',
      reservedDelta: 1,
      reference: `exchange:${change.id}`,
    });
    // Settling again charges nothing more.
    await run(platform, RETURN_SETTLE, {
      input: { id: change.id, payment: { token: 'tok_visa' } },
    });
    expect((await orderView(platform, orderId)).payments).toHaveLength(2);
    await expectLedgerConsistent(platform);
  });

  it('L for M: the difference is refunded', async () => {
    const orderId = await handDelivered(platform, [{ variantId: shop.large, quantity: 1 }]);
    const line = (await orderView(platform, orderId)).lines[0];
    const change = await exchange(orderId, line.id, shop.medium);
    expect(change.difference.amount).toBe(-500);
    await run(platform, RETURN_APPROVE, { id: change.id });
    await run(platform, RETURN_RECEIVE, {
      id: change.id,
      items: [{ lineId: line.id, condition: 'RESTOCK' }],
    });
    const settled = await run(platform, RETURN_SETTLE, { input: { id: change.id } });
    expect(settled.userErrors).toEqual([]);
    expect(settled.change.status).toBe('EXCHANGED');
    expect((await orderView(platform, orderId)).payments).toEqual([
      expect.objectContaining({ refundedAmount: { amount: 500 } }),
    ]);
  });
});
