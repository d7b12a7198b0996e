import { randomUUID } from 'node:crypto';
import { postGraphQL } from '../../platform/testing/graphql-client';
import {
  anonymous,
  authorize,
  AUTHORIZE,
  payments,
  staff,
  stored,
  usePaymentsSubgraph,
} from './test-kit';

/** paymentAuthorize (internal, for checkout): outcomes, idempotency, who may call it. */
usePaymentsSubgraph('payments_authorization');

describe('payments subgraph', () => {
  it('refuses requests that do not carry the router signature', async () => {
    const response = await postGraphQL(
      payments().url,
      '{ payment(id: "00000000-0000-0000-0000-000000000000") { id } }',
    );
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  describe('authorization (internal, for checkout)', () => {
    it('authorizes an approved card', async () => {
      const orderId = randomUUID();
      const result = await authorize({ orderId, amount: 2599, token: 'tok_mastercard' });
      expect(result.userErrors).toEqual([]);
      expect(result.payment).toMatchObject({
        status: 'AUTHORIZED',
        amount: { amount: 2599, currency: 'EUR' },
        capturedAmount: { amount: 0 },
        card: { brand: 'mastercard', last4: '4444' },
        failureCode: null,
        order: { id: orderId },
        transactions: [
          { kind: 'AUTHORIZATION', status: 'SUCCEEDED', amount: { amount: 2599, currency: 'EUR' } },
        ],
      });
      expect(await stored(result.payment.id)).toMatchObject({ status: 'AUTHORIZED' });
    });

    it.each([
      ['tok_chargeDeclined', 'card_declined'],
      ['tok_chargeDeclinedInsufficientFunds', 'insufficient_funds'],
      ['tok_unknown', 'invalid_token'],
    ])(
      'stores a decline of %s with its code and returns the payment with PAYMENT_DECLINED',
      async (token, code) => {
        const result = await authorize({ token });
        expect(result.payment).toMatchObject({ status: 'DECLINED', failureCode: code });
        expect(result.userErrors).toEqual([
          {
            code: 'PAYMENT_DECLINED',
            field: ['payment', 'token'],
            message: result.payment.failureMessage,
          },
        ]);
        expect(await stored(result.payment.id)).toMatchObject({
          status: 'DECLINED',
          failure_code: code,
        });
      },
    );

    it('stores a processing error as FAILED with a PAYMENT_FAILED error that says it may be retried', async () => {
      const result = await authorize({ token: 'tok_processingError' });
      expect(result.payment).toMatchObject({
        status: 'FAILED',
        failureCode: 'processing_error',
        transactions: [],
      });
      expect(result.userErrors).toHaveLength(1);
      expect(result.userErrors[0].code).toBe('PAYMENT_FAILED');
      expect(result.userErrors[0].message).toMatch(/retried/);
      expect(await stored(result.payment.id)).toMatchObject({
        status: 'FAILED',
        failure_code: 'processing_error',
      });
    });

    it('is idempotent: the same key returns the same payment, also when requests race', async () => {
      const orderId = randomUUID();
      const idempotencyKey = `checkout-${orderId}`;
      const first = await authorize({ orderId, idempotencyKey });
      const again = await authorize({ orderId, idempotencyKey });
      expect(again).toEqual(first);
      const raced = await Promise.all(
        Array.from({ length: 5 }, () => authorize({ orderId, idempotencyKey: `race-${orderId}` })),
      );
      expect(new Set(raced.map((r) => r.payment.id)).size).toBe(1);
      const [{ count }] = await payments().subgraph.dataSource.query(
        `SELECT count(*)::int AS count FROM payments.payment WHERE order_id = $1`,
        [orderId],
      );
      expect(count).toBe(2);
      const [{ transactions }] = await payments().subgraph.dataSource.query(
        `SELECT count(*)::int AS transactions FROM payments.payment_transaction WHERE payment_id = $1`,
        [first.payment.id],
      );
      expect(transactions).toBe(1);
    });

    it('refuses a key reused for another amount, and non-positive amounts', async () => {
      const orderId = randomUUID();
      await authorize({ orderId, idempotencyKey: `reuse-${orderId}`, amount: 1000 });
      const reused = await authorize({ orderId, idempotencyKey: `reuse-${orderId}`, amount: 2000 });
      expect(reused.payment).toBeNull();
      expect(reused.userErrors[0].code).toBe('IDEMPOTENCY_KEY_REUSED');
      for (const amount of [0, -500]) {
        const result = await authorize({ amount });
        expect(result).toEqual({
          payment: null,
          userErrors: [
            expect.objectContaining({ code: 'INVALID_AMOUNT', field: ['input', 'amount'] }),
          ],
        });
      }
      expect((await authorize({ currency: 'euro' })).userErrors[0].code).toBe('INVALID_CURRENCY');
    });

    it('is refused to staff (FORBIDDEN) and to anonymous callers (UNAUTHENTICATED)', async () => {
      for (const [viewer, code] of [
        [staff, 'FORBIDDEN'],
        [anonymous, 'UNAUTHENTICATED'],
      ] as const) {
        const response = await postGraphQL(
          payments().url,
          AUTHORIZE,
          {
            input: {
              orderId: randomUUID(),
              amount: 100,
              currency: 'EUR',
              token: 'tok_visa',
              idempotencyKey: randomUUID(),
            },
          },
          { viewer },
        );
        expect(response.errors?.[0]?.extensions?.code).toBe(code);
        expect(response.data).toBeNull();
      }
    });
  });
});
