/* eslint-disable @typescript-eslint/no-explicit-any -- like the tests, these helpers read loosely typed GraphQL and SQL answers */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { dataOf, postGraphQL } from '../../../platform/testing/graphql-client';
import type { Viewer } from '../../../platform/identity';
import type { RunningSubgraph } from '../../../platform/server';
import {
  startSubgraphForTest,
  type TestSubgraph,
  viewers,
} from '../../../platform/testing/harness';
import { paymentsSubgraph, type PaymentsServices } from '..';
import { type SandboxEvent, sandboxWebhook } from '../sandbox/webhook';

/**
 * What the webhook tests share: the subgraph and its webhook route on a server of their
 * own (one per test file), the viewers, and helpers that make payments and send events.
 */
export const SECRET = 'whsec_webhooks_test';
export const orders: Viewer = viewers.service('orders');
export const staff: Viewer = viewers.staff(['payments:capture', 'payments:refund'], 's');

let current: TestSubgraph<PaymentsServices> | null = null;
let server: http.Server;
let endpoint: string;

/** Starts the subgraph and the webhook route for this test file and stops them after. */
export function useWebhooksSubgraph(): void {
  beforeAll(async () => {
    current = await startSubgraphForTest(paymentsSubgraph, { database: 'payments_webhooks' });
    const running = current.subgraph;
    // The secret comes from the environment, as in production.
    const previous = process.env.PAYMENT_WEBHOOK_SECRET;
    process.env.PAYMENT_WEBHOOK_SECRET = SECRET;
    const app = express();
    try {
      app.use(paymentsSubgraph.routes!(running.services));
    } finally {
      if (previous === undefined) delete process.env.PAYMENT_WEBHOOK_SECRET;
      else process.env.PAYMENT_WEBHOOK_SECRET = previous;
    }
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/payments`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await current?.stop();
    current = null;
  });
}

export function payments(): RunningSubgraph<PaymentsServices> {
  if (!current) throw new Error('useWebhooksSubgraph() first');
  return current.subgraph;
}

export const FIELDS = /* GraphQL */ `
    id
    status
    capturedAmount {
      amount
    }
    refundedAmount {
      amount
    }
    transactions {
      kind
      amount {
        amount
      }
      reason
    }
    disputes {
      providerDisputeId
      amount {
        amount
        currency
      }
      reason
      openedAt
    }
`;
export const PAYMENT = `payment { ${FIELDS} } userErrors { code }`;

export async function authorized(amount = 1000) {
  const input = {
    orderId: randomUUID(),
    amount,
    currency: 'EUR',
    token: 'tok_visa',
    idempotencyKey: randomUUID(),
  };
  const { payment } = dataOf(
    await postGraphQL(
      payments().url,
      `mutation ($input: PaymentAuthorizeInput!) { paymentAuthorize(input: $input) { ${PAYMENT} } }`,
      { input },
      { viewer: orders },
    ),
  ).paymentAuthorize;
  const [{ reference }] = await payments().dataSource.query(
    `SELECT provider_reference AS reference FROM payments.payment WHERE id = $1`,
    [payment.id],
  );
  return { id: payment.id as string, orderId: input.orderId, reference: reference as string };
}

export async function captured(amount = 1000) {
  const payment = await authorized(amount);
  const result = dataOf(
    await postGraphQL(
      payments().url,
      `mutation ($id: ID!) { paymentCapture(id: $id) { ${PAYMENT} } }`,
      { id: payment.id },
      { viewer: staff },
    ),
  ).paymentCapture;
  expect(result.userErrors).toEqual([]);
  return payment;
}

export async function read(id: string) {
  return dataOf(
    await postGraphQL(
      payments().url,
      `query ($id: ID!) { payment(id: $id) { ${FIELDS} } }`,
      { id },
      { viewer: staff },
    ),
  ).payment;
}

export async function post(request: { rawBody: Buffer | string; headers: Record<string, string> }) {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: request.headers,
    body: request.rawBody,
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

export const now = () => Math.floor(Date.now() / 1000);
export const send = (event: SandboxEvent, timestamp?: number) =>
  post(sandboxWebhook(SECRET, event, { timestamp }));

export async function count(sql: string, params: unknown[]): Promise<number> {
  const [row] = await payments().dataSource.query(sql, params);
  return row.count;
}
export const recorded = (eventId: string) =>
  count(`SELECT count(*)::int AS count FROM payments.webhook_event WHERE id = $1`, [eventId]);
export const announcements = (orderId: string) =>
  count(`SELECT count(*)::int AS count FROM payments.outbox WHERE topic = $1`, [
    `order.updated.${orderId}`,
  ]);
