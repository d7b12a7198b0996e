import { startTestPlatform, type TestPlatform } from './support/platform';
import {
  type ChangeShop,
  confirmedOrder,
  EDIT_COMMIT,
  ledgerOf,
  orderView,
  previewEdit,
  run,
  stockChangeShop,
} from './support/changes';
import { expectLedgerConsistent, stockOf } from './support/shop';
import { subscribeWs, wsClient } from './support/subscriptions';

/** Staff edit a CONFIRMED order: preview (quoted as checkout quotes), then commit. */
let platform: TestPlatform;
let shop: ChangeShop;

beforeAll(async () => {
  platform = await startTestPlatform('orderedits');
  shop = await stockChangeShop(platform, 'EDT');
});

afterAll(async () => {
  await platform?.stop();
});

describe('order edits', () => {
  it('adds a line and changes a quantity: the difference is authorized and captured, stock reserved, the version bumped', async () => {
    const orderId = await confirmedOrder(platform, [{ variantId: shop.small, quantity: 1 }]);
    const before = await orderView(platform, orderId);
    // 20.00 and 4.95 shipping (free from 50.00 in DE).
    expect(before).toMatchObject({ status: 'CONFIRMED', version: 1, total: { amount: 2495 } });
    const lineId = before.lines[0].id;

    const client = wsClient(platform.router.url);
    const live = subscribeWs(
      client,
      `subscription ($id: ID!) { orderUpdated(id: $id) { version total { amount } changes { status } } }`,
      { id: orderId },
    );
    expect((await live.next()).data.orderUpdated).toMatchObject({ version: 1 });

    const change = await previewEdit(platform, {
      orderId,
      updateLines: [{ lineId, quantity: 2 }],
      addLines: [{ variantId: shop.mug, quantity: 1 }],
    });
    // 2 × 20.00 + 12.00 = 52.00: over the free-shipping threshold, so shipping drops.
    expect(change).toMatchObject({
      kind: 'EDIT',
      status: 'PREVIEWED',
      orderVersion: 1,
      preview: {
        lines: [
          { lineId, sku: 'EDT-S', quantity: 2, lineTotal: { amount: 4000 } },
          { lineId: null, sku: 'EDT-MUG', quantity: 1, lineTotal: { amount: 1200 } },
        ],
        shipping: { amount: 0 },
        total: { amount: 5200 },
      },
      difference: { amount: 2705, currency: 'EUR' },
    });
    // A preview changes nothing.
    expect(await orderView(platform, orderId)).toMatchObject({
      version: 1,
      total: { amount: 2495 },
    });
    const reservedBefore = (await stockOf(platform, 'EDT-S')).reserved;

    const committed = await run(platform, EDIT_COMMIT, {
      input: { changeId: change.id, payment: { token: 'tok_visa' } },
    });
    expect(committed.userErrors).toEqual([]);
    expect(committed.change.status).toBe('COMMITTED');
    expect(committed.order).toMatchObject({ version: 2, total: { amount: 5200 } });

    const after = await orderView(platform, orderId);
    expect(after).toMatchObject({
      status: 'CONFIRMED',
      version: 2,
      subtotal: { amount: 5200 },
      shipping: { amount: 0 },
      total: { amount: 5200 },
      changes: [{ id: change.id, kind: 'EDIT', status: 'COMMITTED', orderVersion: 1 }],
    });
    expect(after.lines.map((l: { sku: string; quantity: number }) => [l.sku, l.quantity])).toEqual([
      ['EDT-S', 2],
      ['EDT-MUG', 1],
    ]);
    // The first payment as it was, and the difference authorized and captured beside it.
    expect(after.payments).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ status: 'CAPTURED', capturedAmount: { amount: 2495 } }),
        expect.objectContaining({
          status: 'CAPTURED',
          amount: { amount: 2705 },
          capturedAmount: { amount: 2705 },
        }),
      ]),
    );
    expect(after.payments).toHaveLength(2);
    expect((await stockOf(platform, 'EDT-S')).reserved).toBe(reservedBefore + 1);
    expect((await stockOf(platform, 'EDT-MUG')).reserved).toBe(1);
    expect(
      (await ledgerOf(platform, 'EDT-MUG')).filter(
        (m) => m.reference === `order-change:${change.id}`,
      ),
    ).toEqual([expect.objectContaining({ kind: 'RESERVATION', reservedDelta: 1 })]);
    await expectLedgerConsistent(platform);

    // Subscribers see the committed version.
    for (;;) {
      const seen = (await live.next()).data.orderUpdated;
      if (seen.version === 2) {
        expect(seen).toMatchObject({ total: { amount: 5200 }, changes: [{ status: 'COMMITTED' }] });
        break;
      }
    }
    await live.close();
    await client.dispose();

    // A retried commit answers as the first did: no second authorization, no more stock.
    const again = await run(platform, EDIT_COMMIT, {
      input: { changeId: change.id, payment: { token: 'tok_visa' } },
    });
    expect(again.change.status).toBe('COMMITTED');
    expect((await orderView(platform, orderId)).payments).toHaveLength(2);
    expect((await stockOf(platform, 'EDT-MUG')).reserved).toBe(1);
  });

  it('removing a line refunds the difference and gives the stock back', async () => {
    const orderId = await confirmedOrder(platform, [
      { variantId: shop.small, quantity: 2 },
      { variantId: shop.mug, quantity: 1 },
    ]);
    const before = await orderView(platform, orderId);
    expect(before.total.amount).toBe(5200);
    const mugLine = before.lines.find((l: { sku: string }) => l.sku === 'EDT-MUG');
    const reserved = (await stockOf(platform, 'EDT-MUG')).reserved;
    const change = await previewEdit(platform, {
      orderId,
      updateLines: [{ lineId: mugLine.id, quantity: 0 }],
    });
    // 40.00 goods + 4.95 shipping again (under the threshold): 52.00 → 44.95.
    expect(change.difference.amount).toBe(-705);
    const committed = await run(platform, EDIT_COMMIT, { input: { changeId: change.id } });
    expect(committed.userErrors).toEqual([]);
    const after = await orderView(platform, orderId);
    expect(after).toMatchObject({ version: 2, total: { amount: 4495 } });
    expect(after.lines).toHaveLength(1);
    expect(after.payments).toEqual([
      expect.objectContaining({
        capturedAmount: { amount: 5200 },
        refundedAmount: { amount: 705 },
      }),
    ]);
    expect((await stockOf(platform, 'EDT-MUG')).reserved).toBe(reserved - 1);
    await expectLedgerConsistent(platform);
  });
});
