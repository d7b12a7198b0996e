import { randomUUID } from 'node:crypto';
import { provider, useFraudSubgraph, authorize, count, risky } from './test-kit';

useFraudSubgraph();

describe('fraud screening of authorizations', () => {
  it('does not assess or call the provider again for a retry with the same key, also when retries race', async () => {
    const orderId = randomUUID();
    const review = { ...risky(), orderId, idempotencyKey: `review-${orderId}` };
    const first = await authorize(review);
    expect(first.payment.fraudAssessment.decision).toBe('REVIEW');
    const calls = provider.authorizations;
    const again = await authorize(review);
    expect(again).toEqual(first);
    expect(provider.authorizations).toBe(calls);

    const rejectOrder = randomUUID();
    const reject = {
      ...risky(),
      orderId: rejectOrder,
      amount: 150_000,
      accountCreatedAt: new Date().toISOString(),
      idempotencyKey: `reject-${rejectOrder}`,
    };
    const raced = await Promise.all(Array.from({ length: 5 }, () => authorize(reject)));
    expect(new Set(raced.map((r) => r.payment.id)).size).toBe(1);
    expect(raced.every((r) => r.userErrors[0]?.code === 'FRAUD_REJECTED')).toBe(true);
    expect(provider.authorizations).toBe(calls);
    for (const order of [orderId, rejectOrder]) {
      expect(
        await count(
          `SELECT count(*)::int AS count FROM payments.fraud_assessment WHERE order_id = $1`,
          [order],
        ),
      ).toBe(1);
      expect(
        await count(`SELECT count(*)::int AS count FROM payments.payment WHERE order_id = $1`, [
          order,
        ]),
      ).toBe(1);
    }
  });

  it('keeps the first assessment when a FAILED authorization is retried', async () => {
    const orderId = randomUUID();
    const attempt = { orderId, token: 'tok_processingError', idempotencyKey: `fail-${orderId}` };
    const failed = await authorize(attempt);
    expect(failed.payment.status).toBe('FAILED');
    const retried = await authorize(attempt);
    expect(retried.payment.fraudAssessment).toEqual(failed.payment.fraudAssessment);
    expect(
      await count(
        `SELECT count(*)::int AS count FROM payments.fraud_assessment WHERE order_id = $1`,
        [orderId],
      ),
    ).toBe(1);
  });
});
