import { randomUUID } from 'node:crypto';
import type { Viewer } from '../../platform/identity';
import { dataOf, postGraphQL } from '../../platform/testing/graphql-client';
import { startSubgraphForTest, type TestSubgraph, viewers } from '../../platform/testing/harness';
import type { SubgraphModule } from '../../platform/subgraph';
import { paymentsSubgraph, type PaymentsServices } from '.';
import type { PaymentsLoaders } from './loaders';

/**
 * What the payments subgraph tests share: one subgraph per test file (harness), the
 * viewers, the operations, and helpers that authorize, capture, void and refund.
 */
export const orders: Viewer = viewers.service('orders');
export const staff: Viewer = viewers.staff(['payments:capture', 'payments:refund'], 's');
export const captureOnly: Viewer = viewers.staff(['payments:capture'], 'c');
export const otherStaff: Viewer = viewers.staff(['catalog:write'], 'o');
export const anonymous: Viewer = viewers.anonymous;

let current: TestSubgraph<PaymentsServices> | null = null;

/** Starts the subgraph for this test file (before all its tests) and stops it after. */
export function usePaymentsSubgraph(
  database: string,
  module: SubgraphModule<PaymentsServices, PaymentsLoaders> = paymentsSubgraph,
): void {
  beforeAll(async () => {
    current = await startSubgraphForTest(module, { database });
  });
  afterAll(async () => {
    await current?.stop();
    current = null;
  });
}

export function payments(): TestSubgraph<PaymentsServices> {
  if (!current) throw new Error('usePaymentsSubgraph() first');
  return current;
}

export const PAYMENT = /* GraphQL */ `
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
export const CAPTURE = /* GraphQL */ `
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
export const VOID = /* GraphQL */ `
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
export const REFUND = /* GraphQL */ `
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

export interface AuthorizeArgs {
  orderId?: string;
  amount?: number;
  currency?: string;
  token?: string;
  idempotencyKey?: string;
}

export async function authorize(args: AuthorizeArgs = {}, url = payments().url) {
  const input = {
    orderId: args.orderId ?? randomUUID(),
    amount: args.amount ?? 1000,
    currency: args.currency ?? 'EUR',
    token: args.token ?? 'tok_visa',
    idempotencyKey: args.idempotencyKey ?? randomUUID(),
  };
  return dataOf(await postGraphQL(url, AUTHORIZE, { input }, { viewer: orders })).paymentAuthorize;
}

export async function mutate(
  query: string,
  field: string,
  variables: Record<string, unknown>,
  viewer = staff,
  url = payments().url,
) {
  return dataOf(await postGraphQL(url, query, variables, { viewer }))[field];
}
export const capture = (variables: Record<string, unknown>, viewer?: Viewer) =>
  mutate(CAPTURE, 'paymentCapture', variables, viewer);
export const voidPayment = (variables: Record<string, unknown>, viewer?: Viewer) =>
  mutate(VOID, 'paymentVoid', variables, viewer);
export const refund = (variables: Record<string, unknown>, viewer?: Viewer) =>
  mutate(REFUND, 'paymentRefund', variables, viewer);

export async function capturedPayment(amount = 1000): Promise<string> {
  const { payment } = await authorize({ amount });
  const captured = await capture({ id: payment.id });
  expect(captured.userErrors).toEqual([]);
  return payment.id;
}

export async function stored(id: string) {
  const [row] = await payments().subgraph.dataSource.query(
    `SELECT status, captured_amount::int AS captured, refunded_amount::int AS refunded, failure_code
       FROM payments.payment WHERE id = $1`,
    [id],
  );
  return row;
}
