import { DomainError } from '../../platform/errors';
import { startSubgraphForTest, type TestSubgraph } from '../../platform/testing/harness';
import {
  type AttemptLease,
  CheckoutAttempts,
  CheckoutInProgressError,
} from './domain/checkout/attempts';
import type { OrdersServices } from './service';
import { ordersSubgraph } from '.';

let t: TestSubgraph<OrdersServices>;
let attempts: CheckoutAttempts;

beforeAll(async () => {
  t = await startSubgraphForTest(ordersSubgraph, { database: 'attempts' });
  attempts = new CheckoutAttempts(t.subgraph.dataSource, { leaseMs: 400, waitMs: 150 });
});

afterAll(async () => {
  await t?.stop();
});

const ORDER = '00000000-0000-4000-8000-00000000000a';

async function run(key: string, hash = 'hash'): Promise<AttemptLease> {
  const decision = await attempts.begin(key, hash, ORDER);
  if (decision.kind !== 'run') throw new Error(`expected to run, got ${decision.kind}`);
  return decision;
}

describe('checkout attempts (the idempotency key)', () => {
  it('runs the first request, answers the same request with the first failure, refuses another input', async () => {
    const lease = await run('key-one-00', 'hash-a');
    expect(lease).toMatchObject({ attempt: 1, generation: 1, orderId: ORDER });
    await attempts.fail(lease, new DomainError('PAYMENT_DECLINED', 'declined'), false);
    const again = await attempts.begin('key-one-00', 'hash-a', ORDER);
    expect(again).toMatchObject({ kind: 'failed', failure: { code: 'PAYMENT_DECLINED' } });
    const other = await attempts.begin('key-one-00', 'hash-b', ORDER);
    expect(other).toMatchObject({ kind: 'failed', failure: { code: 'IDEMPOTENCY_KEY_REUSED' } });
  });

  it('runs a retryable failure again as the next attempt, with the next generation of references', async () => {
    const first = await run('key-two-00');
    await attempts.fail(first, new DomainError('PAYMENT_FAILED', 'outage'), true);
    expect(await run('key-two-00')).toMatchObject({ attempt: 2, generation: 2, steps: {} });
  });

  it('answers a request for a running attempt quickly with a retry hint, not after the lease', async () => {
    await run('key-busy-00');
    const started = Date.now();
    const refused = await attempts.begin('key-busy-00', 'hash', ORDER).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CheckoutInProgressError);
    expect((refused as CheckoutInProgressError).retryAfterMs).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(400);
  });

  it('takes over an attempt whose lease lapsed, adopting its steps and generation, and fences the old holder out', async () => {
    const dead = await run('key-dead-00');
    await attempts.record(dead, 'reserve-stock', {
      state: 'done',
      output: { reservationId: 'r1' },
    });
    await new Promise((resolve) => setTimeout(resolve, 450));
    const retry = await run('key-dead-00');
    expect(retry).toMatchObject({
      attempt: 2,
      generation: 1,
      steps: { 'reserve-stock': { state: 'done', output: { reservationId: 'r1' } } },
    });
    await expect(attempts.record(dead, 'authorize-payment', { state: 'started' })).rejects.toThrow(
      /taken over/,
    );
    expect(await attempts.renew(dead)).toBe(false);
    expect(await attempts.renew(retry)).toBe(true);
  });

  it('claims attempts abandoned past their lease for the recovery sweeper, one holder at a time', async () => {
    // The other tests' keys are settled; only this one is left running.
    await t.sql(`UPDATE checkout_attempt SET status = 'SUCCEEDED'`);
    await run('key-lost-00');
    expect(await attempts.claimAbandoned()).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 450));
    const claimed = await attempts.claimAbandoned();
    expect(claimed).toMatchObject({ key: 'key-lost-00', attempt: 2 });
    expect(await attempts.claimAbandoned()).toBeNull();
  });

  it('keeps keys for the retention period and forgets them after', async () => {
    const lease = await run('key-old-00');
    await attempts.fail(lease, new DomainError('PAYMENT_DECLINED', 'declined'), false);
    await t.sql(
      `UPDATE checkout_attempt SET created_at = now() - interval '2 days' WHERE idempotency_key = 'key-old-00'`,
    );
    // Two days old is still kept with a week's retention; gone with a one-day retention.
    expect(await attempts.sweep(7)).toBe(0);
    expect(await attempts.sweep(1)).toBe(1);
    expect(await run('key-old-00')).toMatchObject({ attempt: 1 });
  });
});
