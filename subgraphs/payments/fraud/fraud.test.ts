import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../../platform/testing/database';
import { dataOf, postGraphQL } from '../../../platform/testing/graphql-client';
import type { Viewer } from '../../../platform/identity';
import { startSubgraph, type RunningSubgraph } from '../../../platform/server';
import { createPaymentsServices, paymentsSubgraph, type PaymentsServices } from '..';
import type { AuthorizeRequest } from '../provider';
import { SandboxProvider } from '../sandbox-provider';
import { DEFAULT_FRAUD_CONFIG } from './config';

const orders: Viewer = { kind: 'service', service: 'orders' };
const staff: Viewer = { kind: 'staff', staffId: 's', permissions: ['payments:capture'] };

/**
 * The sandbox, counting the authorizations it was asked for. Its few test cards are
 * shared by every test here, so card fingerprints are off unless a test names a card.
 */
class CountingProvider extends SandboxProvider {
  authorizations = 0;
  card: string | null = null;
  override async authorize(request: AuthorizeRequest) {
    this.authorizations += 1;
    return super.authorize(request);
  }
  /** The card a test names, whichever of the sandbox's tokens (outcomes) it is paid with. */
  override async cardFingerprint() {
    return this.card ? super.cardFingerprint(this.card) : null;
  }
}

const provider = new CountingProvider();
const config = DEFAULT_FRAUD_CONFIG;
let db: TestDatabase;
let payments: RunningSubgraph<PaymentsServices>;

beforeAll(async () => {
  db = await createTestDatabase('payments_fraud');
  payments = await startSubgraph(
    {
      ...paymentsSubgraph,
      createServices: (deps) => createPaymentsServices(deps, { provider, fraudConfig: config }),
    },
    { databaseUrl: db.url, port: 0, host: '127.0.0.1' },
  );
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
    transactions {
      kind
    }
    fraudAssessment {
      score
      decision
      reasons {
        code
        points
        detail
      }
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

interface Attempt {
  orderId?: string;
  amount?: number;
  token?: string;
  idempotencyKey?: string;
  email?: string;
  customerKey?: string;
  ip?: string;
  billingCountry?: string;
  shippingCountry?: string;
  accountCreatedAt?: string;
}

async function authorize(attempt: Attempt = {}) {
  const input = {
    orderId: randomUUID(),
    amount: 1000,
    currency: 'EUR',
    token: 'tok_visa',
    idempotencyKey: randomUUID(),
    ...attempt,
  };
  return dataOf(await postGraphQL(payments.url, AUTHORIZE, { input }, { viewer: orders }))
    .paymentAuthorize;
}

const codes = (payment: { fraudAssessment: { reasons: { code: string }[] } }) =>
  payment.fraudAssessment.reasons.map((r) => r.code);

async function count(sql: string, params: unknown[]): Promise<number> {
  const [row] = await payments.dataSource.query(sql, params);
  return row.count;
}

/** A disposable email (30 points) and countries that differ (15): REVIEW. A new buyer each time. */
const risky = () => ({
  email: `buyer-${randomUUID()}@mailinator.com`,
  billingCountry: 'DE',
  shippingCountry: 'US',
});

describe('fraud screening of authorizations', () => {
  it('approves an ordinary attempt and records the assessment', async () => {
    const result = await authorize({ email: 'ada@example.com', billingCountry: 'DE' });
    expect(result.userErrors).toEqual([]);
    expect(result.payment).toMatchObject({
      status: 'AUTHORIZED',
      fraudAssessment: { score: 0, decision: 'APPROVE', reasons: [] },
    });
  });

  it('rejects a high score without calling the provider: DECLINED, fraud_rejected, FRAUD_REJECTED', async () => {
    const before = provider.authorizations;
    const orderId = randomUUID();
    const result = await authorize({
      ...risky(),
      orderId,
      amount: 150_000,
      accountCreatedAt: new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString(),
    });
    expect(provider.authorizations).toBe(before);
    expect(result.userErrors).toEqual([
      { code: 'FRAUD_REJECTED', field: ['payment'], message: expect.any(String) },
    ]);
    expect(result.payment).toMatchObject({
      status: 'DECLINED',
      failureCode: 'fraud_rejected',
      transactions: [],
      fraudAssessment: { score: 95, decision: 'REJECT' },
    });
    expect(codes(result.payment)).toEqual([
      'AMOUNT_OVER_THRESHOLD',
      'COUNTRY_MISMATCH',
      'NEW_ACCOUNT_LARGE_ORDER',
      'RISKY_EMAIL_DOMAIN',
    ]);
    const [row] = await payments.dataSource.query(
      `SELECT p.status, p.failure_code, p.provider_reference, a.decision, a.score
         FROM payments.payment p JOIN payments.fraud_assessment a ON a.payment_id = p.id
        WHERE p.order_id = $1`,
      [orderId],
    );
    expect(row).toEqual({
      status: 'DECLINED',
      failure_code: 'fraud_rejected',
      provider_reference: null,
      decision: 'REJECT',
      score: 95,
    });
  });

  it('authorizes a REVIEW and shows the assessment to staff', async () => {
    const before = provider.authorizations;
    const result = await authorize(risky());
    expect(provider.authorizations).toBe(before + 1);
    expect(result.userErrors).toEqual([]);
    expect(result.payment).toMatchObject({
      status: 'AUTHORIZED',
      fraudAssessment: {
        score: 45,
        decision: 'REVIEW',
        reasons: [
          {
            code: 'COUNTRY_MISMATCH',
            points: 15,
            detail: 'Billing country DE differs from shipping country US',
          },
          { code: 'RISKY_EMAIL_DOMAIN', points: 30, detail: expect.stringMatching(/mailinator/) },
        ],
      },
    });
    const read = dataOf(
      await postGraphQL(
        payments.url,
        `query ($id: ID!) { payment(id: $id) { status fraudAssessment { decision score } } }`,
        { id: result.payment.id },
        { viewer: staff },
      ),
    );
    expect(read.payment).toEqual({
      status: 'AUTHORIZED',
      fraudAssessment: { decision: 'REVIEW', score: 45 },
    });
  });

  it('adds customer velocity from the attempt after the limit', async () => {
    const customerKey = `customer-${randomUUID()}`;
    for (let i = 0; i < config.customerVelocityLimit; i += 1) {
      const result = await authorize({ customerKey });
      expect(codes(result.payment)).toEqual([]);
    }
    const next = await authorize({ customerKey });
    expect(next.payment.fraudAssessment).toMatchObject({
      score: 30,
      decision: 'APPROVE',
      reasons: [
        {
          code: 'VELOCITY_CUSTOMER',
          points: 30,
          detail: `${config.customerVelocityLimit + 1} authorizations by this customer in 60 minutes (limit ${config.customerVelocityLimit})`,
        },
      ],
    });
    // The email stands in for a guest's customer key.
    const email = `guest-${randomUUID()}@example.com`;
    for (let i = 0; i < config.customerVelocityLimit; i += 1) await authorize({ email });
    expect(codes((await authorize({ email })).payment)).toEqual(['VELOCITY_CUSTOMER']);
  });

  it('adds IP velocity, and recent declines of the same customer push it to REVIEW and then REJECT', async () => {
    const ip = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
    for (let i = 0; i < config.ipVelocityLimit; i += 1) await authorize({ ip: `${ip}` });
    expect(codes((await authorize({ ip })).payment)).toEqual(['VELOCITY_IP']);

    const customerKey = `decliner-${randomUUID()}`;
    for (let i = 0; i < config.failedAttemptsLimit; i += 1) {
      const declined = await authorize({ customerKey, token: 'tok_chargeDeclined' });
      expect(declined.userErrors[0].code).toBe('PAYMENT_DECLINED');
    }
    const flagged = await authorize({ customerKey });
    expect(flagged.payment).toMatchObject({
      status: 'AUTHORIZED',
      fraudAssessment: { decision: 'REVIEW', score: 40 },
    });
    expect(codes(flagged.payment)).toEqual(['RECENT_FAILURES']);
    // With a risky email and other countries on top, the next attempt is refused outright.
    const refused = await authorize({ ...risky(), customerKey });
    expect(refused.payment.status).toBe('DECLINED');
    expect(refused.userErrors[0].code).toBe('FRAUD_REJECTED');
  });

  it('adds card velocity and counts the declines of a card, whoever pays with it', async () => {
    try {
      provider.card = randomUUID();
      for (let i = 0; i < config.cardVelocityLimit; i += 1) {
        const result = await authorize({ customerKey: randomUUID() });
        expect(codes(result.payment)).toEqual([]);
      }
      expect(codes((await authorize({ customerKey: randomUUID() })).payment)).toEqual([
        'VELOCITY_CARD',
      ]);

      provider.card = randomUUID();
      for (let i = 0; i < config.failedAttemptsLimit; i += 1) {
        await authorize({
          customerKey: randomUUID(),
          token: 'tok_chargeDeclinedInsufficientFunds',
        });
      }
      const next = await authorize({ customerKey: randomUUID() });
      expect(next.payment.fraudAssessment).toMatchObject({
        decision: 'REVIEW',
        reasons: [{ code: 'RECENT_FAILURES' }],
      });
    } finally {
      provider.card = null;
    }
  });

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

  it('refuses malformed screening fields as userErrors, before anything is stored', async () => {
    const orderId = randomUUID();
    const result = await authorize({ orderId, email: 'nope', ip: '1.2.3.4' });
    expect(result).toEqual({
      payment: null,
      userErrors: [expect.objectContaining({ code: 'INVALID_EMAIL', field: ['input', 'email'] })],
    });
    expect((await authorize({ shippingCountry: 'Germany' })).userErrors[0].code).toBe(
      'INVALID_COUNTRY',
    );
    expect(
      await count(
        `SELECT count(*)::int AS count FROM payments.fraud_assessment WHERE order_id = $1`,
        [orderId],
      ),
    ).toBe(0);
  });

  it('loads the assessments of many payments in a constant number of statements', async () => {
    const orderIds = Array.from({ length: 20 }, () => randomUUID());
    for (const orderId of orderIds) await authorize({ orderId, ...risky() });
    const query = /* GraphQL */ `
      query ($representations: [_Any!]!) {
        _entities(representations: $representations) {
          ... on Order {
            payments {
              fraudAssessment {
                decision
                reasons {
                  code
                }
              }
              disputes {
                id
              }
            }
          }
        }
      }
    `;
    const statementsFor = async (ids: string[]) => {
      const before = payments.statements.count;
      const data = dataOf(
        await postGraphQL(
          payments.url,
          query,
          { representations: ids.map((id) => ({ __typename: 'Order', id })) },
          { viewer: orders },
        ),
      );
      expect(
        data._entities.every(
          (o: { payments: { fraudAssessment: { decision: string } }[] }) =>
            o.payments[0]!.fraudAssessment.decision === 'REVIEW',
        ),
      ).toBe(true);
      return payments.statements.count - before;
    };
    const two = await statementsFor(orderIds.slice(0, 2));
    const twenty = await statementsFor(orderIds);
    expect(twenty).toBe(two);
    expect(two).toBe(3);
  });
});
