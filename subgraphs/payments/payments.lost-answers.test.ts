import { randomUUID } from 'node:crypto';
import { createPaymentsServices, paymentsSubgraph } from '.';
import {
  type AuthorizeRequest,
  type PaymentProvider,
  ProviderUnavailableError,
  type RefundRequest,
} from './provider';
import { SandboxProvider } from './sandbox/provider';
import {
  authorize,
  CAPTURE,
  mutate,
  payments,
  REFUND,
  staff,
  stored,
  usePaymentsSubgraph,
} from './test-kit';

/**
 * A processor whose answer can get lost: it does the work, then the connection drops
 * (a timeout after success). Retrying with the same key must not do it twice.
 */
class LossyProvider implements PaymentProvider {
  readonly name = 'sandbox';
  sandbox!: SandboxProvider;
  readonly calls: string[] = [];
  loseNext: 'authorize' | 'refund' | null = null;

  async authorize(request: AuthorizeRequest) {
    this.calls.push(`authorize ${request.idempotencyKey}`);
    const result = await this.sandbox.authorize(request);
    return this.deliver('authorize', result);
  }
  close = () => this.sandbox.close();
  capture: PaymentProvider['capture'] = (request) => this.sandbox.capture(request);
  void: PaymentProvider['void'] = (request) => this.sandbox.void(request);
  async refund(request: RefundRequest) {
    this.calls.push(`refund ${request.idempotencyKey}`);
    const result = await this.sandbox.refund(request);
    return this.deliver('refund', result);
  }

  private deliver<T>(operation: 'authorize' | 'refund', result: T): T {
    if (this.loseNext !== operation) return result;
    this.loseNext = null;
    throw new ProviderUnavailableError('timeout', 'The processor did not answer in time');
  }
}

describe('payments subgraph when the processor answer is lost', () => {
  const provider = new LossyProvider();
  usePaymentsSubgraph('payments_lost', {
    ...paymentsSubgraph,
    createServices: (deps) =>
      createPaymentsServices(deps, {
        provider: (url) => {
          provider.sandbox = new SandboxProvider(url);
          return provider;
        },
      }),
  });

  it('retries a FAILED authorization with the same processor key, so the card is authorized once', async () => {
    const orderId = randomUUID();
    provider.loseNext = 'authorize';
    const failed = await authorize({ orderId, idempotencyKey: `lost-${orderId}` }, payments().url);
    expect(failed.payment.status).toBe('FAILED');
    expect(failed.userErrors[0].code).toBe('PAYMENT_FAILED');

    const retried = await authorize({ orderId, idempotencyKey: `lost-${orderId}` }, payments().url);
    expect(retried.userErrors).toEqual([]);
    expect(retried.payment).toMatchObject({
      id: failed.payment.id,
      status: 'AUTHORIZED',
      failureCode: null,
    });
    const keys = provider.calls.filter((c) => c.startsWith('authorize'));
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);

    // The authorization the processor holds is the one recorded: it can be captured.
    const captured = await mutate(
      CAPTURE,
      'paymentCapture',
      { id: retried.payment.id },
      staff,
      payments().url,
    );
    expect(captured.payment.status).toBe('CAPTURED');
  });

  it('records nothing for a refund whose answer was lost, and refunds once on the retry', async () => {
    const { payment } = await authorize({ amount: 1000 }, payments().url);
    await mutate(CAPTURE, 'paymentCapture', { id: payment.id }, staff, payments().url);
    provider.loseNext = 'refund';
    const lost = await mutate(
      REFUND,
      'paymentRefund',
      { id: payment.id, amount: 600, key: 'r' },
      staff,
      payments().url,
    );
    expect(lost).toEqual({
      payment: null,
      userErrors: [expect.objectContaining({ code: 'PAYMENT_FAILED' })],
    });
    expect(await stored(payment.id)).toMatchObject({ refunded: 0 });

    const retried = await mutate(
      REFUND,
      'paymentRefund',
      { id: payment.id, amount: 600, key: 'r' },
      staff,
      payments().url,
    );
    expect(retried.payment.refundedAmount.amount).toBe(600);
    // The processor refunded 600 once: 400 is left there too.
    const rest = await mutate(
      REFUND,
      'paymentRefund',
      { id: payment.id, amount: 400 },
      staff,
      payments().url,
    );
    expect(rest.payment.status).toBe('REFUNDED');
    // Without a client key, the processor key names the transaction row it belongs to.
    const [{ id: transactionId }] = await payments().subgraph.dataSource.query(
      `SELECT id FROM payments.payment_transaction WHERE payment_id = $1 AND kind = 'REFUND' AND idempotency_key IS NULL`,
      [payment.id],
    );
    expect(provider.calls.at(-1)).toBe(`refund ${payment.id}:refund:${transactionId}`);
  });
});
