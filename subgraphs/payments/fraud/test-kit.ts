import { randomUUID } from 'node:crypto';
import { dataOf, postGraphQL } from '../../../platform/testing/graphql-client';
import type { RunningSubgraph } from '../../../platform/server';
import {
  startSubgraphForTest,
  type TestSubgraph,
  viewers,
} from '../../../platform/testing/harness';
import type { Viewer } from '../../../platform/identity';
import { createPaymentsServices, paymentsSubgraph, type PaymentsServices } from '..';
import type { AuthorizeRequest } from '../provider';
import { SandboxProvider } from '../sandbox/provider';
import { DEFAULT_FRAUD_CONFIG } from './config';

/**
 * What the fraud screening tests share: the subgraph on a counting sandbox provider (one
 * per test file), the viewers, the authorize operation and its helpers.
 */
export const orders: Viewer = viewers.service('orders');
export const staff: Viewer = viewers.staff(['payments:capture'], 's');

/**
 * The sandbox, counting the authorizations it was asked for. Its few test cards are
 * shared by every test here, so card fingerprints are off unless a test names a card.
 */
export class CountingProvider extends SandboxProvider {
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

/** The file's processor, made when its subgraph starts (the sandbox lives in its database). */
export let provider: CountingProvider;
export const config = DEFAULT_FRAUD_CONFIG;
let current: TestSubgraph<PaymentsServices> | null = null;

/** Starts the subgraph for this test file (before all its tests) and stops it after. */
export function useFraudSubgraph(): void {
  beforeAll(async () => {
    current = await startSubgraphForTest(
      {
        ...paymentsSubgraph,
        createServices: (deps) =>
          createPaymentsServices(deps, {
            provider: (url) => (provider = new CountingProvider(url)),
            fraudConfig: config,
          }),
      },
      { database: 'payments_fraud' },
    );
  });
  afterAll(async () => {
    await current?.stop();
    current = null;
  });
}

export function payments(): RunningSubgraph<PaymentsServices> {
  if (!current) throw new Error('useFraudSubgraph() first');
  return current.subgraph;
}

export const PAYMENT = /* GraphQL */ `
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
export const AUTHORIZE = /* GraphQL */ `
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

export interface Attempt {
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

export async function authorize(attempt: Attempt = {}) {
  const input = {
    orderId: randomUUID(),
    amount: 1000,
    currency: 'EUR',
    token: 'tok_visa',
    idempotencyKey: randomUUID(),
    ...attempt,
  };
  return dataOf(await postGraphQL(payments().url, AUTHORIZE, { input }, { viewer: orders }))
    .paymentAuthorize;
}

export const codes = (payment: { fraudAssessment: { reasons: { code: string }[] } }) =>
  payment.fraudAssessment.reasons.map((r) => r.code);

export async function count(sql: string, params: unknown[]): Promise<number> {
  const [row] = await payments().dataSource.query(sql, params);
  return row.count;
}

/** A disposable email (30 points) and countries that differ (15): REVIEW. A new buyer each time. */
export const risky = () => ({
  email: `buyer-${randomUUID()}@mailinator.com`,
  billingCountry: 'DE',
  shippingCountry: 'US',
});
