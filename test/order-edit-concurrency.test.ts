import { startTestPlatform, type TestPlatform } from './support/platform';
import {
  type ChangeShop,
  confirmedOrder,
  EDIT_COMMIT,
  orderView,
  previewEdit,
  run,
  stockChangeShop,
} from './support/changes';
import { expectLedgerConsistent, stockOf } from './support/shop';

/** Two staff members change one order at once: one commit wins, the other is stale. */
let platform: TestPlatform;
let shop: ChangeShop;

beforeAll(async () => {
  platform = await startTestPlatform('ordereditrace');
  shop = await stockChangeShop(platform, 'RACE');
});

afterAll(async () => {
  await platform?.stop();
});

const commit = (changeId: string) =>
  run(platform, EDIT_COMMIT, { input: { changeId, payment: { token: 'tok_visa' } } });

describe('concurrent order edits', () => {
  it('two previews of version 1 committed at once: exactly one applies, the other is ORDER_CHANGE_STALE', async () => {
    const orderId = await confirmedOrder(platform, [{ variantId: shop.small, quantity: 1 }]);
    const lineId = (await orderView(platform, orderId)).lines[0].id;
    const mugs = (await stockOf(platform, 'RACE-MUG')).reserved;
    const smalls = (await stockOf(platform, 'RACE-S')).reserved;
    const a = await previewEdit(platform, { orderId, updateLines: [{ lineId, quantity: 3 }] });
    const b = await previewEdit(platform, {
      orderId,
      addLines: [{ variantId: shop.mug, quantity: 2 }],
    });
    expect([a.orderVersion, b.orderVersion]).toEqual([1, 1]);

    const results = await Promise.all([commit(a.id), commit(b.id)]);
    const outcome = results.map((r) => r.userErrors[0]?.code ?? r.change.status).sort();
    expect(outcome).toEqual(['COMMITTED', 'ORDER_CHANGE_STALE']);
    const winner = results.find((r) => r.userErrors.length === 0)!.change.id;
    const loser = winner === a.id ? b : a;
    const loserError = results.find((r) => r.userErrors.length > 0)!.userErrors[0];
    expect(loserError.field).toEqual(['input', 'changeId']);

    const order = await orderView(platform, orderId);
    expect(order.version).toBe(2);
    expect(order.changes).toEqual([
      expect.objectContaining({ id: a.id, status: winner === a.id ? 'COMMITTED' : 'PREVIEWED' }),
      expect.objectContaining({ id: b.id, status: winner === b.id ? 'COMMITTED' : 'PREVIEWED' }),
    ]);
    // One extra payment and one stock change: the winner's.
    expect(order.payments).toHaveLength(2);
    const won = winner === a.id ? a : b;
    expect(order.payments).toContainEqual(
      expect.objectContaining({ capturedAmount: { amount: won.difference.amount } }),
    );
    if (winner === a.id) {
      expect((await stockOf(platform, 'RACE-S')).reserved).toBe(smalls + 2);
      expect((await stockOf(platform, 'RACE-MUG')).reserved).toBe(mugs);
    } else {
      expect((await stockOf(platform, 'RACE-S')).reserved).toBe(smalls);
      expect((await stockOf(platform, 'RACE-MUG')).reserved).toBe(mugs + 2);
    }

    // The loser's preview stays stale: trying again changes nothing either.
    const retried = await commit(loser.id);
    expect(retried.userErrors[0].code).toBe('ORDER_CHANGE_STALE');
    expect((await orderView(platform, orderId)).payments).toHaveLength(2);
    await expectLedgerConsistent(platform);
  });

  it('one preview committed twice at once is applied once', async () => {
    const orderId = await confirmedOrder(platform, [{ variantId: shop.small, quantity: 1 }]);
    const mugs = (await stockOf(platform, 'RACE-MUG')).reserved;
    const change = await previewEdit(platform, {
      orderId,
      addLines: [{ variantId: shop.mug, quantity: 1 }],
    });
    const results = await Promise.all([commit(change.id), commit(change.id), commit(change.id)]);
    // The first claims the order; a concurrent repeat resumes it with the same keys (one
    // authorization, one stock change) or finds it committed.
    expect(results.map((r) => r.userErrors.length === 0 && r.change.status)).toEqual([
      'COMMITTED',
      'COMMITTED',
      'COMMITTED',
    ]);
    const order = await orderView(platform, orderId);
    expect(order.version).toBe(2);
    expect(order.payments).toHaveLength(2);
    expect((await stockOf(platform, 'RACE-MUG')).reserved).toBe(mugs + 1);
    await expectLedgerConsistent(platform);
  });
});
