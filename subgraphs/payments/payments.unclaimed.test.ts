import { randomUUID } from 'node:crypto';
import { startFakeSubgraph, type FakeSubgraph } from '../../platform/testing/fake-subgraph';
import { startSubgraphForTest, type TestSubgraph } from '../../platform/testing/harness';
import { postGraphQL, dataOf } from '../../platform/testing/graphql-client';
import { createPaymentsServices, paymentsSubgraph, type PaymentsServices } from '.';
import { SandboxProvider } from './sandbox/provider';
import { AUTHORIZE, orders as ordersService } from './test-kit';

/**
 * The backstop for a checkout that crashed between the payment authorization and the
 * order write and was never retried (domain/unclaimed.ts): orders is asked whether each
 * old AUTHORIZED payment's order exists; "no" voids it, "yes" keeps it and stops asking,
 * "cannot tell" (orders down) voids nothing.
 */
let t: TestSubgraph<PaymentsServices>;
let fakeOrders: FakeSubgraph;
const ordersHave = new Set<string>();
let ordersDown = false;
// One card processor for every payments replica, as in production: a replica's void must
// reach the processor that holds the authorization.
let processor: SandboxProvider;

beforeAll(async () => {
  fakeOrders = await startFakeSubgraph(({ variables }) => {
    if (ordersDown) return { status: 503 };
    const representations = variables.representations as { id: string }[];
    return {
      data: { _entities: representations.map((r) => (ordersHave.has(r.id) ? { id: r.id } : null)) },
    };
  });
  const module = {
    ...paymentsSubgraph,
    createServices: (deps: Parameters<typeof createPaymentsServices>[0]) =>
      createPaymentsServices(deps, { provider: (url) => (processor = new SandboxProvider(url)) }),
  };
  t = await startSubgraphForTest(module, {
    database: 'payments_unclaimed',
    background: false, // rounds are run by the test, on its own clock
    subgraphUrls: { orders: fakeOrders.url },
  });
});

afterAll(async () => {
  await t?.stop();
  await fakeOrders?.stop();
});

const settings = { unclaimedAfterMs: 60_000, batchSize: 100 };
const round = () => t.services.payments.voidUnclaimedAuthorizations(t.services.orders, settings);

async function authorized(orderId = randomUUID()): Promise<{ id: string; orderId: string }> {
  const input = {
    orderId,
    amount: 2500,
    currency: 'EUR',
    token: 'tok_visa',
    idempotencyKey: orderId,
  };
  const { paymentAuthorize } = dataOf(
    await postGraphQL(t.url, AUTHORIZE, { input }, { viewer: ordersService }),
  );
  expect(paymentAuthorize.payment.status).toBe('AUTHORIZED');
  return { id: paymentAuthorize.payment.id, orderId };
}

/** As if the authorization had been made `ms` ago (past the grace period). */
const age = (id: string, ms: number) =>
  t.sql(`UPDATE payment SET created_at = now() - make_interval(secs => $2) WHERE id = $1`, [
    id,
    ms / 1000,
  ]);

type Stored = { status: string; confirmed: boolean; voids: number };

async function statusOf(id: string): Promise<Stored> {
  const [row] = await t.sql<Stored>(
    `SELECT p.status, p.order_confirmed_at IS NOT NULL AS confirmed,
            (SELECT count(*)::int FROM payment_transaction x WHERE x.payment_id = p.id AND x.kind = 'VOID') AS voids
       FROM payment p WHERE p.id = $1`,
    [id],
  );
  return row!;
}

beforeEach(async () => {
  ordersDown = false;
  // Every test starts with no leftover candidates from another.
  await t.sql(`UPDATE payment SET order_confirmed_at = now() WHERE order_confirmed_at IS NULL`);
});

it('voids an authorization whose order was never written, after the grace period', async () => {
  const orphan = await authorized();
  await age(orphan.id, 120_000);
  expect(await round()).toEqual({ looked: 1, confirmed: 0, voided: 1 });
  expect(await statusOf(orphan.id)).toEqual({ status: 'VOIDED', confirmed: false, voids: 1 });
});

it('keeps an authorization whose order exists, and stops asking about it', async () => {
  const claimed = await authorized();
  ordersHave.add(claimed.orderId);
  await age(claimed.id, 120_000);
  expect(await round()).toEqual({ looked: 1, confirmed: 1, voided: 0 });
  expect(await statusOf(claimed.id)).toEqual({ status: 'AUTHORIZED', confirmed: true, voids: 0 });
  fakeOrders.requests.length = 0;
  expect(await round()).toEqual({ looked: 0, confirmed: 0, voided: 0 });
  expect(fakeOrders.requests).toEqual([]);
});

it('leaves a young authorization alone: its checkout may still be running', async () => {
  const young = await authorized();
  expect(await round()).toEqual({ looked: 0, confirmed: 0, voided: 0 });
  expect((await statusOf(young.id)).status).toBe('AUTHORIZED');
});

it('voids nothing while orders cannot be asked', async () => {
  const orphan = await authorized();
  await age(orphan.id, 120_000);
  ordersDown = true;
  await expect(round()).rejects.toThrow();
  expect((await statusOf(orphan.id)).status).toBe('AUTHORIZED');
  ordersDown = false;
  expect((await round()).voided).toBe(1);
});

it('voids each orphan once when two replicas run their rounds at the same time', async () => {
  const orphans = await Promise.all([authorized(), authorized(), authorized()]);
  const claimed = await authorized();
  ordersHave.add(claimed.orderId);
  for (const p of [...orphans, claimed]) await age(p.id, 120_000);
  // A second payments process on the same database: its own services, the same rows.
  const replica = createPaymentsServices(
    { dataSource: t.subgraph.dataSource, subgraphUrls: { orders: fakeOrders.url } },
    { provider: processor },
  );
  const rounds = await Promise.all([
    round(),
    replica.payments.voidUnclaimedAuthorizations(replica.orders, settings),
  ]);
  // Both rounds may report a void (the replica's replays the first one's, by its key);
  // what counts is the effect: one VOID per orphan, at the provider and in the ledger.
  expect(rounds.every((r) => r.voided <= 3)).toBe(true);
  expect(rounds.reduce((n, r) => n + r.voided, 0)).toBeGreaterThanOrEqual(3);
  for (const p of orphans)
    expect(await statusOf(p.id)).toEqual({ status: 'VOIDED', confirmed: false, voids: 1 });
  expect(await statusOf(claimed.id)).toEqual({ status: 'AUTHORIZED', confirmed: true, voids: 0 });
});
