import { dataOf } from '../platform/testing/graphql-client';
import { startSubgraph, type RunningSubgraph } from '../platform/server';
import { paymentsSubgraph } from '../subgraphs/payments';
import { bootstrapAdmin, callerOf, staffToken } from './support/accounts';
import { startTestPlatform, type TestPlatform } from './support/platform';
import {
  CHECKOUT,
  cartWith,
  checkoutInput,
  createProduct,
  createWarehouse,
  receiveStock,
  stockOf,
} from './support/shop';

/**
 * The order follows its payment, whoever changes the payment: orders' own steps, staff on
 * payments' mutations, or a payments process that restarted in between (issue 13's
 * measured defects: a second capture that silently captured nothing, a direct void that
 * left the order PENDING with its stock held, a restart that forgot every authorization).
 */
jest.setTimeout(120_000);

let platform: TestPlatform;
let restarted: RunningSubgraph<unknown> | null = null;
let variantId: string;
const SKU = 'LAMP-1';

const ADMIN = { email: 'owner@consistent.example', password: 'Consistent-Owner-2026' };
let staffId: string;
let asStaff: ReturnType<typeof callerOf>;

beforeAll(async () => {
  const forget = bootstrapAdmin(ADMIN);
  platform = await startTestPlatform('orderpayment');
  forget();
  const token = await staffToken(
    callerOf(() => platform.router.url, null),
    ADMIN.email,
    ADMIN.password,
  );
  asStaff = callerOf(() => platform.router.url, token);
  staffId = dataOf(await asStaff(`{ staffMe { id } }`)).staffMe.id;
  variantId = (await createProduct(platform, 'Consistent Lamp', [{ sku: SKU, price: 4000 }]))
    .variants[0]!.id;
  await receiveStock(platform, SKU, await createWarehouse(platform, 'CONSIST-1'), 20);
});

afterAll(async () => {
  await restarted?.stop();
  await platform?.stop();
});

async function place(key: string): Promise<{ id: string; paymentId: string; total: number }> {
  const cartId = await cartWith(platform, [{ variantId, quantity: 1 }]);
  const { order } = dataOf(
    await platform.query(CHECKOUT, { input: checkoutInput(cartId, key) }),
  ).checkout;
  return {
    id: order.id,
    paymentId: (await orderNow(order.id)).payments[0].id,
    total: order.total.amount,
  };
}

const ORDER = /* GraphQL */ `
  query ($id: ID!) {
    order(id: $id) {
      status
      statusHistory {
        status
        note
      }
      payments {
        id
        status
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

async function orderNow(id: string) {
  return dataOf(await platform.query(ORDER, { id })).order;
}

/** Orders hears payments' change through the outbox: a moment after the mutation. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const orderCapture = async (id: string, amount?: number) =>
  dataOf(
    await platform.query(
      `mutation ($id: ID!, $amount: Int) {
        orderCapture(id: $id, amount: $amount) {
          order { status }
          userErrors { code field message }
        }
      }`,
      { id, amount },
    ),
  ).orderCapture;

const paymentMutation = async (
  name: 'paymentVoid' | 'paymentCapture' | 'paymentRefund',
  id: string,
) =>
  dataOf(
    await platform.query(
      `mutation ($id: ID!) { ${name}(id: $id) { payment { status } userErrors { code message } } }`,
      { id },
    ),
  )[name];

it('refuses a second capture after a partial one with what was captured, and replays the first', async () => {
  const order = await place('consist-capture-1');
  expect((await orderCapture(order.id, 2500)).userErrors).toEqual([]);

  const rest = await orderCapture(order.id);
  expect(rest.userErrors).toEqual([
    {
      code: 'PAYMENT_ALREADY_CAPTURED',
      field: ['amount'],
      message: `2500 of ${order.total} EUR was captured and the rest released; nothing more can be captured`,
    },
  ]);
  // The same capture again (a client retrying after a timeout) is answered, not refused.
  expect(await orderCapture(order.id, 2500)).toEqual({
    order: { status: 'CONFIRMED' },
    userErrors: [],
  });
  expect((await orderNow(order.id)).payments).toEqual([
    expect.objectContaining({ status: 'CAPTURED', capturedAmount: { amount: 2500 } }),
  ]);
});

it('cancels the order and releases its stock when its payment is voided directly', async () => {
  const before = await stockOf(platform, SKU);
  const order = await place('consist-void-1');
  expect((await stockOf(platform, SKU)).available).toBe(before.available - 1);

  expect(await paymentMutation('paymentVoid', order.paymentId)).toEqual({
    payment: { status: 'VOIDED' },
    userErrors: [],
  });
  const after = await eventually(
    () => orderNow(order.id),
    (o) => o.status === 'CANCELLED',
  );
  expect(after.status).toBe('CANCELLED');
  expect(after.statusHistory.at(-1)).toEqual({ status: 'CANCELLED', note: 'Payment voided' });
  expect(await stockOf(platform, SKU)).toEqual(before);

  // Staff who then cancel it too get the cancelled order, not PAYMENT_NOT_VOIDABLE.
  const cancel = dataOf(
    await platform.query(
      `mutation ($id: ID!) { orderCancel(id: $id) { order { status } userErrors { code } } }`,
      { id: order.id },
    ),
  ).orderCancel;
  expect(cancel).toEqual({ order: { status: 'CANCELLED' }, userErrors: [] });
});

it('confirms the order when its payment is captured directly, and refunds it on a full refund', async () => {
  const before = await stockOf(platform, SKU);
  const order = await place('consist-direct-1');
  expect((await paymentMutation('paymentCapture', order.paymentId)).userErrors).toEqual([]);
  expect(
    (
      await eventually(
        () => orderNow(order.id),
        (o) => o.status === 'CONFIRMED',
      )
    ).status,
  ).toBe('CONFIRMED');

  expect((await paymentMutation('paymentRefund', order.paymentId)).userErrors).toEqual([]);
  const refunded = await eventually(
    () => orderNow(order.id),
    (o) => o.status === 'REFUNDED',
  );
  expect(refunded.statusHistory.map((h: { status: string }) => h.status)).toEqual([
    'PENDING',
    'CONFIRMED',
    'REFUNDED',
  ]);
  // Not shipped yet: the unit went back on the shelf.
  expect(await stockOf(platform, SKU)).toEqual(before);
});

it('captures an authorization made before payments restarted', async () => {
  const order = await place('consist-restart-1');
  const payments = platform.subgraphs.payments!;
  await payments.stop();
  restarted = await startSubgraph(paymentsSubgraph, {
    databaseUrl: platform.database.url,
    port: payments.port,
    host: '127.0.0.1',
    subgraphUrls: platform.subgraphUrls,
    pubsub: platform.pubsub,
    background: false,
  });
  const captured = await eventually(
    () => orderCapture(order.id),
    (c) => c.userErrors.length === 0,
  );
  expect(captured).toEqual({ order: { status: 'CONFIRMED' }, userErrors: [] });
  expect((await orderNow(order.id)).payments).toEqual([
    expect.objectContaining({ status: 'CAPTURED', capturedAmount: { amount: order.total } }),
  ]);
});

it('force-cancels an order whose authorization the processor lost, and says what to settle by hand', async () => {
  const before = await stockOf(platform, SKU);
  const order = await place('consist-force-1');
  // The processor forgot the authorization (as after a data loss on its side); its tables
  // are in the same database, reached here through any subgraph that is still up.
  await platform.subgraphs.catalog!.dataSource.query(`DELETE FROM card_sandbox.charge`);

  const cancel = dataOf(
    await platform.query(
      `mutation ($id: ID!) { orderCancel(id: $id) { order { status } userErrors { code } } }`,
      { id: order.id },
    ),
  ).orderCancel;
  expect(cancel).toEqual({ order: null, userErrors: [{ code: 'VOID_DECLINED' }] });
  expect((await orderNow(order.id)).status).toBe('PENDING');

  const FORCE = `mutation ($id: ID!, $reason: String!) {
    orderForceCancel(id: $id, reason: $reason) {
      order { status paymentAttention statusHistory { status note actor } }
      userErrors { code field }
    }
  }`;
  expect(dataOf(await asStaff(FORCE, { id: order.id, reason: '   ' })).orderForceCancel).toEqual({
    order: null,
    userErrors: [{ code: 'INVALID_REASON', field: ['reason'] }],
  });

  const forced = dataOf(
    await asStaff(FORCE, { id: order.id, reason: 'Processor lost the authorization' }),
  ).orderForceCancel;
  expect(forced.userErrors).toEqual([]);
  expect(forced.order.status).toBe('CANCELLED');
  expect(forced.order.paymentAttention).toMatch(
    new RegExp(`^VOID_DECLINED: .*void the authorization of payment ${order.paymentId} by hand$`),
  );
  expect(forced.order.statusHistory.at(-1)).toEqual({
    status: 'CANCELLED',
    note: 'Force-cancelled: Processor lost the authorization',
    actor: `staff:${staffId}`,
  });
  expect(await stockOf(platform, SKU)).toEqual(before);
  // Again: the cancelled order, nothing released twice.
  expect(
    dataOf(await asStaff(FORCE, { id: order.id, reason: 'again' })).orderForceCancel.order.status,
  ).toBe('CANCELLED');
  expect(await stockOf(platform, SKU)).toEqual(before);
});
