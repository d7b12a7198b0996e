import { randomUUID } from 'node:crypto';
import { startSubgraph, type RunningSubgraph } from '../../platform/server';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/database';
import { dataOf, postGraphQL } from '../../platform/testing/graphql-client';
import type { Viewer } from '../../platform/identity';
import { createPaymentsServices, paymentsSubgraph, type PaymentsServices } from '.';
import {
  type AuthorizeRequest,
  type PaymentProvider,
  ProviderUnavailableError,
  type RefundRequest,
} from './provider';
import { SandboxProvider } from './sandbox-provider';

const orders: Viewer = { kind: 'service', service: 'orders' };
const staff: Viewer = {
  kind: 'staff',
  staffId: 's',
  permissions: ['payments:capture', 'payments:refund'],
};
const captureOnly: Viewer = { kind: 'staff', staffId: 'c', permissions: ['payments:capture'] };
const otherStaff: Viewer = { kind: 'staff', staffId: 'o', permissions: ['catalog:write'] };
const anonymous: Viewer = { kind: 'anonymous' };

let db: TestDatabase;
let payments: RunningSubgraph<PaymentsServices>;

beforeAll(async () => {
  db = await createTestDatabase('payments');
  payments = await startSubgraph(paymentsSubgraph, {
    databaseUrl: db.url,
    port: 0,
    host: '127.0.0.1',
  });
});

afterAll(async () => {
  await payments?.stop();
  await db?.drop();
});

const PAYMENT = /* GraphQL */ `
  fragment P on Payment {
    id
    status
    failureCode
    failureMessage
    amount {
      amount
      currency
    }
    capturedAmount {
      amount
    }
    refundedAmount {
      amount
    }
    card {
      brand
      last4
    }
    transactions {
      kind
      status
      amount {
        amount
        currency
      }
      reason
      failureCode
    }
    order {
      id
    }
  }
`;
const AUTHORIZE = /* GraphQL */ `
  mutation ($input: PaymentAuthorizeInput!) {
    paymentAuthorize(input: $input) {
      payment {
        ...P
      }
      userErrors {
        field
        message
        code
      }
    }
  }
  ${PAYMENT}
`;
const CAPTURE = /* GraphQL */ `
  mutation ($id: ID!, $amount: Int, $key: String) {
    paymentCapture(id: $id, amount: $amount, idempotencyKey: $key) {
      payment {
        ...P
      }
      userErrors {
        field
        message
        code
      }
    }
  }
  ${PAYMENT}
`;
const VOID = /* GraphQL */ `
  mutation ($id: ID!, $key: String) {
    paymentVoid(id: $id, idempotencyKey: $key) {
      payment {
        ...P
      }
      userErrors {
        field
        message
        code
      }
    }
  }
  ${PAYMENT}
`;
const REFUND = /* GraphQL */ `
  mutation ($id: ID!, $amount: Int, $reason: String, $key: String) {
    paymentRefund(id: $id, amount: $amount, reason: $reason, idempotencyKey: $key) {
      payment {
        ...P
      }
      userErrors {
        field
        message
        code
      }
    }
  }
  ${PAYMENT}
`;

interface AuthorizeArgs {
  orderId?: string;
  amount?: number;
  currency?: string;
  token?: string;
  idempotencyKey?: string;
}

async function authorize(args: AuthorizeArgs = {}, url = payments.url) {
  const input = {
    orderId: args.orderId ?? randomUUID(),
    amount: args.amount ?? 1000,
    currency: args.currency ?? 'EUR',
    token: args.token ?? 'tok_visa',
    idempotencyKey: args.idempotencyKey ?? randomUUID(),
  };
  return dataOf(await postGraphQL(url, AUTHORIZE, { input }, { viewer: orders })).paymentAuthorize;
}

async function mutate(
  query: string,
  field: string,
  variables: Record<string, unknown>,
  viewer = staff,
  url = payments.url,
) {
  return dataOf(await postGraphQL(url, query, variables, { viewer }))[field];
}
const capture = (variables: Record<string, unknown>, viewer?: Viewer) =>
  mutate(CAPTURE, 'paymentCapture', variables, viewer);
const voidPayment = (variables: Record<string, unknown>, viewer?: Viewer) =>
  mutate(VOID, 'paymentVoid', variables, viewer);
const refund = (variables: Record<string, unknown>, viewer?: Viewer) =>
  mutate(REFUND, 'paymentRefund', variables, viewer);

async function capturedPayment(amount = 1000): Promise<string> {
  const { payment } = await authorize({ amount });
  const captured = await capture({ id: payment.id });
  expect(captured.userErrors).toEqual([]);
  return payment.id;
}

async function stored(id: string) {
  const [row] = await payments.dataSource.query(
    `SELECT status, captured_amount::int AS captured, refunded_amount::int AS refunded, failure_code
       FROM payments.payment WHERE id = $1`,
    [id],
  );
  return row;
}

describe('payments subgraph', () => {
  it('refuses requests that do not carry the router signature', async () => {
    const response = await postGraphQL(
      payments.url,
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
      const [{ count }] = await payments.dataSource.query(
        `SELECT count(*)::int AS count FROM payments.payment WHERE order_id = $1`,
        [orderId],
      );
      expect(count).toBe(2);
      const [{ transactions }] = await payments.dataSource.query(
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

    it('is refused to staff and anonymous callers', async () => {
      for (const viewer of [staff, anonymous]) {
        const response = await postGraphQL(
          payments.url,
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
        expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(response.data).toBeNull();
      }
    });
  });

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
      const [{ total }] = await payments.dataSource.query(
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

  describe('reads', () => {
    const ENTITIES = /* GraphQL */ `
      query ($representations: [_Any!]!) {
        _entities(representations: $representations) {
          ... on Order {
            id
            payments {
              id
              status
              amount {
                amount
              }
              transactions {
                kind
              }
              order {
                id
              }
            }
          }
        }
      }
    `;

    it('resolves Order.payments through _entities, oldest first', async () => {
      const orderA = randomUUID();
      const orderB = randomUUID();
      const a1 = (await authorize({ orderId: orderA, token: 'tok_chargeDeclined' })).payment.id;
      const a2 = (await authorize({ orderId: orderA, amount: 1500 })).payment.id;
      const b1 = (await authorize({ orderId: orderB, amount: 700 })).payment.id;
      const data = dataOf(
        await postGraphQL(
          payments.url,
          ENTITIES,
          {
            representations: [
              { __typename: 'Order', id: orderA },
              { __typename: 'Order', id: orderB },
              { __typename: 'Order', id: randomUUID() },
            ],
          },
          { viewer: orders },
        ),
      );
      expect(data._entities[0].payments.map((p: { id: string }) => p.id)).toEqual([a1, a2]);
      expect(data._entities[0].payments[1]).toMatchObject({
        status: 'AUTHORIZED',
        amount: { amount: 1500 },
        transactions: [{ kind: 'AUTHORIZATION' }],
        order: { id: orderA },
      });
      expect(data._entities[1].payments.map((p: { id: string }) => p.id)).toEqual([b1]);
      expect(data._entities[2]).toEqual({ id: expect.any(String), payments: [] });
    });

    it('costs the same number of statements for 3 and for 30 orders', async () => {
      const orderIds = Array.from({ length: 30 }, () => randomUUID());
      for (const orderId of orderIds) {
        const { payment } = await authorize({ orderId });
        await capture({ id: payment.id });
      }
      const statementsFor = async (ids: string[]) => {
        const before = payments.statements.count;
        const data = dataOf(
          await postGraphQL(
            payments.url,
            ENTITIES,
            { representations: ids.map((id) => ({ __typename: 'Order', id })) },
            { viewer: orders },
          ),
        );
        expect(data._entities).toHaveLength(ids.length);
        expect(data._entities.every((o: { payments: unknown[] }) => o.payments.length === 1)).toBe(
          true,
        );
        return payments.statements.count - before;
      };
      const three = await statementsFor(orderIds.slice(0, 3));
      const thirty = await statementsFor(orderIds);
      expect(thirty).toBe(three);
      expect(three).toBe(2);
    });

    it('lets staff read a payment by id, and no one else', async () => {
      const { payment } = await authorize({ amount: 4200 });
      const query = `query ($id: ID!) { payment(id: $id) { id status amount { amount } } }`;
      for (const viewer of [staff, captureOnly, orders]) {
        const data = dataOf(await postGraphQL(payments.url, query, { id: payment.id }, { viewer }));
        expect(data.payment).toEqual({
          id: payment.id,
          status: 'AUTHORIZED',
          amount: { amount: 4200 },
        });
      }
      for (const viewer of [
        anonymous,
        otherStaff,
        { kind: 'customer', customerId: 'c1' } as Viewer,
      ]) {
        const response = await postGraphQL(payments.url, query, { id: payment.id }, { viewer });
        expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
      const missing = dataOf(
        await postGraphQL(payments.url, query, { id: randomUUID() }, { viewer: staff }),
      );
      expect(missing.payment).toBeNull();
    });
  });

  describe('refusals', () => {
    it('answers malformed ids with BAD_USER_INPUT', async () => {
      const responses = [
        await postGraphQL(payments.url, `{ payment(id: "nope") { id } }`, {}, { viewer: staff }),
        await postGraphQL(payments.url, CAPTURE, { id: 'nope' }, { viewer: staff }),
        await postGraphQL(payments.url, REFUND, { id: '1234' }, { viewer: staff }),
        await postGraphQL(
          payments.url,
          AUTHORIZE,
          {
            input: {
              orderId: 'order-1',
              amount: 100,
              currency: 'EUR',
              token: 'tok_visa',
              idempotencyKey: 'x',
            },
          },
          { viewer: orders },
        ),
      ];
      for (const response of responses) {
        expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        expect(JSON.stringify(response)).not.toMatch(/stack|QueryFailedError/);
      }
      expect((await capture({ id: randomUUID() })).userErrors[0].code).toBe('NOT_FOUND');
    });

    it('refuses staff mutations without the permission', async () => {
      const { payment } = await authorize();
      const attempts: [string, Viewer][] = [
        [CAPTURE, anonymous],
        [CAPTURE, otherStaff],
        [VOID, otherStaff],
        [REFUND, captureOnly],
        [REFUND, { kind: 'customer', customerId: 'c1' }],
      ];
      for (const [query, viewer] of attempts) {
        const response = await postGraphQL(
          payments.url,
          query,
          { id: payment.id, amount: 100 },
          { viewer },
        );
        expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
      expect(await stored(payment.id)).toMatchObject({ status: 'AUTHORIZED', captured: 0 });
    });
  });
});

/**
 * A processor whose answer can get lost: it does the work, then the connection drops
 * (a timeout after success). Retrying with the same key must not do it twice.
 */
class LossyProvider implements PaymentProvider {
  readonly name = 'sandbox';
  readonly sandbox = new SandboxProvider();
  readonly calls: string[] = [];
  loseNext: 'authorize' | 'refund' | null = null;

  async authorize(request: AuthorizeRequest) {
    this.calls.push(`authorize ${request.idempotencyKey}`);
    const result = await this.sandbox.authorize(request);
    return this.deliver('authorize', result);
  }
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
  let lossy: RunningSubgraph<PaymentsServices>;

  beforeAll(async () => {
    lossy = await startSubgraph(
      {
        ...paymentsSubgraph,
        createServices: (deps) => createPaymentsServices(deps, { provider }),
      },
      { databaseUrl: db.url, port: 0, host: '127.0.0.1' },
    );
  });

  afterAll(async () => {
    await lossy?.stop();
  });

  it('retries a FAILED authorization with the same processor key, so the card is authorized once', async () => {
    const orderId = randomUUID();
    provider.loseNext = 'authorize';
    const failed = await authorize({ orderId, idempotencyKey: `lost-${orderId}` }, lossy.url);
    expect(failed.payment.status).toBe('FAILED');
    expect(failed.userErrors[0].code).toBe('PAYMENT_FAILED');

    const retried = await authorize({ orderId, idempotencyKey: `lost-${orderId}` }, lossy.url);
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
      lossy.url,
    );
    expect(captured.payment.status).toBe('CAPTURED');
  });

  it('records nothing for a refund whose answer was lost, and refunds once on the retry', async () => {
    const { payment } = await authorize({ amount: 1000 }, lossy.url);
    await mutate(CAPTURE, 'paymentCapture', { id: payment.id }, staff, lossy.url);
    provider.loseNext = 'refund';
    const lost = await mutate(
      REFUND,
      'paymentRefund',
      { id: payment.id, amount: 600, key: 'r' },
      staff,
      lossy.url,
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
      lossy.url,
    );
    expect(retried.payment.refundedAmount.amount).toBe(600);
    // The processor refunded 600 once: 400 is left there too.
    const rest = await mutate(
      REFUND,
      'paymentRefund',
      { id: payment.id, amount: 400 },
      staff,
      lossy.url,
    );
    expect(rest.payment.status).toBe('REFUNDED');
    // Without a client key, the processor key names the transaction row it belongs to.
    const [{ id: transactionId }] = await lossy.dataSource.query(
      `SELECT id FROM payments.payment_transaction WHERE payment_id = $1 AND kind = 'REFUND' AND idempotency_key IS NULL`,
      [payment.id],
    );
    expect(provider.calls.at(-1)).toBe(`refund ${payment.id}:refund:${transactionId}`);
  });
});
