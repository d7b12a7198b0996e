import { randomUUID } from 'node:crypto';
import { dataOf, postGraphQL } from '../../../platform/testing/graphql-client';
import {
  orders,
  staff,
  provider,
  useFraudSubgraph,
  payments,
  authorize,
  codes,
  count,
  risky,
} from './test-kit';

useFraudSubgraph();

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
    const [row] = await payments().dataSource.query(
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
        payments().url,
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
      const before = payments().statements.count;
      const data = dataOf(
        await postGraphQL(
          payments().url,
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
      return payments().statements.count - before;
    };
    const two = await statementsFor(orderIds.slice(0, 2));
    const twenty = await statementsFor(orderIds);
    expect(twenty).toBe(two);
    expect(two).toBe(3);
  });
});
