import {
  authorize,
  capture,
  capturedPayment,
  payments,
  refund,
  stored,
  usePaymentsSubgraph,
  voidPayment,
} from './test-kit';

/** Staff capture, void and refund: states, amounts, idempotency keys, races. */
usePaymentsSubgraph('payments_operations');

describe('payments subgraph', () => {
  describe('capture and void', () => {
    it('captures the whole authorization', async () => {
      const { payment } = await authorize({ amount: 1000 });
      const result = await capture({ id: payment.id });
      expect(result.userErrors).toEqual([]);
      expect(result.payment).toMatchObject({
        status: 'CAPTURED',
        capturedAmount: { amount: 1000 },
      });
      expect(result.payment.transactions.map((t: { kind: string }) => t.kind)).toEqual([
        'AUTHORIZATION',
        'CAPTURE',
      ]);
    });

    it('captures part of it once, releasing the rest', async () => {
      const { payment } = await authorize({ amount: 1000 });
      expect((await capture({ id: payment.id, amount: 1001 })).userErrors[0].code).toBe(
        'CAPTURE_EXCEEDS_AUTHORIZED',
      );
      expect((await capture({ id: payment.id, amount: 0 })).userErrors[0].code).toBe(
        'INVALID_AMOUNT',
      );
      const partial = await capture({ id: payment.id, amount: 600 });
      expect(partial.payment).toMatchObject({
        status: 'CAPTURED',
        capturedAmount: { amount: 600 },
      });
      const again = await capture({ id: payment.id, amount: 400 });
      expect(again).toEqual({
        payment: null,
        userErrors: [expect.objectContaining({ code: 'PAYMENT_NOT_CAPTURABLE' })],
      });
      expect(await stored(payment.id)).toMatchObject({ status: 'CAPTURED', captured: 600 });
    });

    it('replays a capture idempotency key without a second capture', async () => {
      const { payment } = await authorize({ amount: 1000 });
      const first = await capture({ id: payment.id, amount: 700, key: 'cap-1' });
      const again = await capture({ id: payment.id, amount: 700, key: 'cap-1' });
      expect(again).toEqual(first);
      expect(again.userErrors).toEqual([]);
      expect(
        again.payment.transactions.filter((t: { kind: string }) => t.kind === 'CAPTURE'),
      ).toHaveLength(1);
    });

    it('voids an authorization, after which it can be neither captured nor voided', async () => {
      const { payment } = await authorize();
      const voided = await voidPayment({ id: payment.id });
      expect(voided.userErrors).toEqual([]);
      expect(voided.payment).toMatchObject({ status: 'VOIDED', capturedAmount: { amount: 0 } });
      expect((await capture({ id: payment.id })).userErrors[0].code).toBe('PAYMENT_NOT_CAPTURABLE');
      expect((await voidPayment({ id: payment.id })).userErrors[0].code).toBe(
        'PAYMENT_NOT_VOIDABLE',
      );
      const captured = await capturedPayment();
      expect((await voidPayment({ id: captured })).userErrors[0].code).toBe('PAYMENT_NOT_VOIDABLE');
    });

    it('does not capture a declined payment', async () => {
      const { payment } = await authorize({ token: 'tok_chargeDeclined' });
      expect((await capture({ id: payment.id })).userErrors[0].code).toBe('PAYMENT_NOT_CAPTURABLE');
    });
  });

  describe('refunds', () => {
    it('refunds in parts, refuses more than was captured, and refunds what is left by default', async () => {
      const id = await capturedPayment(1000);
      const authorized = (await authorize()).payment.id;
      expect((await refund({ id: authorized, amount: 100 })).userErrors[0].code).toBe(
        'PAYMENT_NOT_REFUNDABLE',
      );

      const first = await refund({ id, amount: 300 });
      expect(first.payment).toMatchObject({
        status: 'PARTIALLY_REFUNDED',
        refundedAmount: { amount: 300 },
      });
      const second = await refund({ id, amount: 500, reason: 'damaged in transit' });
      expect(second.payment).toMatchObject({
        status: 'PARTIALLY_REFUNDED',
        refundedAmount: { amount: 800 },
      });
      const over = await refund({ id, amount: 300 });
      expect(over).toEqual({
        payment: null,
        userErrors: [
          expect.objectContaining({ code: 'REFUND_EXCEEDS_CAPTURED', field: ['amount'] }),
        ],
      });
      const rest = await refund({ id });
      expect(rest.payment).toMatchObject({ status: 'REFUNDED', refundedAmount: { amount: 1000 } });
      expect(
        rest.payment.transactions.filter((t: { kind: string }) => t.kind === 'REFUND'),
      ).toEqual([
        expect.objectContaining({ amount: { amount: 300, currency: 'EUR' }, reason: null }),
        expect.objectContaining({
          amount: { amount: 500, currency: 'EUR' },
          reason: 'damaged in transit',
        }),
        expect.objectContaining({ amount: { amount: 200, currency: 'EUR' }, status: 'SUCCEEDED' }),
      ]);
      expect((await refund({ id })).userErrors[0].code).toBe('PAYMENT_NOT_REFUNDABLE');
      expect(await stored(id)).toMatchObject({
        status: 'REFUNDED',
        captured: 1000,
        refunded: 1000,
      });
    });

    it('never refunds more than was captured when 10 refunds race', async () => {
      const id = await capturedPayment(1000);
      const results = await Promise.all(
        Array.from({ length: 10 }, () => refund({ id, amount: 300 })),
      );
      const succeeded = results.filter((r) => r.userErrors.length === 0);
      expect(succeeded).toHaveLength(3);
      expect(
        results.filter((r) => r.userErrors[0]?.code === 'REFUND_EXCEEDS_CAPTURED'),
      ).toHaveLength(7);
      expect(await stored(id)).toMatchObject({
        status: 'PARTIALLY_REFUNDED',
        captured: 1000,
        refunded: 900,
      });
      const [{ total }] = await payments().subgraph.dataSource.query(
        `SELECT sum(amount)::int AS total FROM payments.payment_transaction
          WHERE payment_id = $1 AND kind = 'REFUND' AND status = 'SUCCEEDED'`,
        [id],
      );
      expect(total).toBe(900);
    });

    it('replays a refund idempotency key with a single effect, also when the replays race', async () => {
      const id = await capturedPayment(1000);
      const first = await refund({ id, amount: 300, key: 'refund-1' });
      const again = await refund({ id, amount: 300, key: 'refund-1' });
      expect(again).toEqual(first);
      const raced = await Promise.all(
        Array.from({ length: 5 }, () => refund({ id, amount: 200, key: 'refund-2' })),
      );
      expect(raced.every((r) => r.userErrors.length === 0)).toBe(true);
      expect(await stored(id)).toMatchObject({ refunded: 500 });
      expect((await refund({ id, amount: 999, key: 'refund-1' })).userErrors[0].code).toBe(
        'IDEMPOTENCY_KEY_REUSED',
      );
      // Without a key each call is a new refund.
      await refund({ id, amount: 100 });
      await refund({ id, amount: 100 });
      expect(await stored(id)).toMatchObject({ refunded: 700 });
    });
  });
});
