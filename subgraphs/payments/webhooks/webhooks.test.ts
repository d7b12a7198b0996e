import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createTestDatabase, type TestDatabase } from '../../../platform/testing/database';
import { dataOf, postGraphQL } from '../../../platform/testing/graphql-client';
import type { Viewer } from '../../../platform/identity';
import { startSubgraph, type RunningSubgraph } from '../../../platform/server';
import { paymentsSubgraph, type PaymentsServices } from '..';
import { type SandboxEvent, sandboxWebhook } from '../sandbox-provider';
import { handleProviderWebhook } from './handler';

const SECRET = 'whsec_webhooks_test';
const orders: Viewer = { kind: 'service', service: 'orders' };
const staff: Viewer = {
  kind: 'staff',
  staffId: 's',
  permissions: ['payments:capture', 'payments:refund'],
};

let db: TestDatabase;
let payments: RunningSubgraph<PaymentsServices>;
let server: http.Server;
let endpoint: string;

beforeAll(async () => {
  db = await createTestDatabase('payments_webhooks');
  payments = await startSubgraph(paymentsSubgraph, {
    databaseUrl: db.url,
    port: 0,
    host: '127.0.0.1',
  });
  // The secret comes from the environment, as in production.
  const previous = process.env.PAYMENT_WEBHOOK_SECRET;
  process.env.PAYMENT_WEBHOOK_SECRET = SECRET;
  const app = express();
  try {
    app.use(paymentsSubgraph.routes!(payments.services));
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
  await payments?.stop();
  await db?.drop();
});

const FIELDS = /* GraphQL */ `
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
const PAYMENT = `payment { ${FIELDS} } userErrors { code }`;

async function authorized(amount = 1000) {
  const input = {
    orderId: randomUUID(),
    amount,
    currency: 'EUR',
    token: 'tok_visa',
    idempotencyKey: randomUUID(),
  };
  const { payment } = dataOf(
    await postGraphQL(
      payments.url,
      `mutation ($input: PaymentAuthorizeInput!) { paymentAuthorize(input: $input) { ${PAYMENT} } }`,
      { input },
      { viewer: orders },
    ),
  ).paymentAuthorize;
  const [{ reference }] = await payments.dataSource.query(
    `SELECT provider_reference AS reference FROM payments.payment WHERE id = $1`,
    [payment.id],
  );
  return { id: payment.id as string, orderId: input.orderId, reference: reference as string };
}

async function captured(amount = 1000) {
  const payment = await authorized(amount);
  const result = dataOf(
    await postGraphQL(
      payments.url,
      `mutation ($id: ID!) { paymentCapture(id: $id) { ${PAYMENT} } }`,
      { id: payment.id },
      { viewer: staff },
    ),
  ).paymentCapture;
  expect(result.userErrors).toEqual([]);
  return payment;
}

async function read(id: string) {
  return dataOf(
    await postGraphQL(
      payments.url,
      `query ($id: ID!) { payment(id: $id) { ${FIELDS} } }`,
      { id },
      { viewer: staff },
    ),
  ).payment;
}

async function post(request: { rawBody: Buffer | string; headers: Record<string, string> }) {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: request.headers,
    body: request.rawBody,
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

const now = () => Math.floor(Date.now() / 1000);
const send = (event: SandboxEvent, timestamp?: number) =>
  post(sandboxWebhook(SECRET, event, { timestamp }));

async function count(sql: string, params: unknown[]): Promise<number> {
  const [row] = await payments.dataSource.query(sql, params);
  return row.count;
}
const recorded = (eventId: string) =>
  count(`SELECT count(*)::int AS count FROM payments.webhook_event WHERE id = $1`, [eventId]);
const announcements = (orderId: string) =>
  count(`SELECT count(*)::int AS count FROM payments.outbox WHERE topic = $1`, [
    `order.updated.${orderId}`,
  ]);

describe('payment provider webhooks', () => {
  it('applies a correctly signed event, records it and tells the order subscribers', async () => {
    const payment = await authorized(1000);
    const before = await announcements(payment.orderId);
    const response = await send({
      id: `evt_${randomUUID()}`,
      type: 'charge.captured',
      data: { paymentReference: payment.reference, amount: 1000 },
    });
    expect(response).toEqual({
      status: 200,
      body: { received: true, eventId: expect.any(String), duplicate: false, outcome: 'APPLIED' },
    });
    expect(await read(payment.id)).toMatchObject({
      status: 'CAPTURED',
      capturedAmount: { amount: 1000 },
      transactions: [
        { kind: 'AUTHORIZATION' },
        {
          kind: 'CAPTURE',
          amount: { amount: 1000 },
          reason: expect.stringMatching(/charge\.captured/),
        },
      ],
    });
    expect(await recorded(response.body.eventId)).toBe(1);
    expect(await announcements(payment.orderId)).toBe(before + 1);
  });

  it('refuses a tampered body, a wrong secret, a missing header and a stale or future timestamp', async () => {
    const payment = await authorized(1000);
    const event = {
      id: `evt_${randomUUID()}`,
      type: 'authorization.expired',
      data: { paymentReference: payment.reference },
    };
    const signed = sandboxWebhook(SECRET, event);
    const tampered = {
      ...signed,
      rawBody: signed.rawBody.toString().replace('authorization.expired', 'charge.captured'),
    };
    const cases: [Parameters<typeof post>[0], number, string][] = [
      [tampered, 400, 'WEBHOOK_SIGNATURE_INVALID'],
      [sandboxWebhook('whsec_someone_else', event), 400, 'WEBHOOK_SIGNATURE_INVALID'],
      [
        { rawBody: signed.rawBody, headers: { 'content-type': 'application/json' } },
        400,
        'WEBHOOK_SIGNATURE_MISSING',
      ],
      [
        { ...signed, headers: { ...signed.headers, 'x-sandbox-signature': 'v1=nothing' } },
        400,
        'WEBHOOK_SIGNATURE_MALFORMED',
      ],
      [
        sandboxWebhook(SECRET, event, { timestamp: now() - 301 }),
        400,
        'WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE',
      ],
      [
        sandboxWebhook(SECRET, event, { timestamp: now() + 3600 }),
        400,
        'WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE',
      ],
      [
        { ...signed, headers: { ...signed.headers, 'content-type': 'text/plain' } },
        415,
        'WEBHOOK_UNSUPPORTED_MEDIA_TYPE',
      ],
    ];
    for (const [request, status, code] of cases) {
      const response = await post(request);
      expect({ status: response.status, code: response.body.error?.code }).toEqual({
        status,
        code,
      });
    }
    expect(await recorded(event.id)).toBe(0);
    expect((await read(payment.id)).status).toBe('AUTHORIZED');

    // The same answer from the plain function the route wraps.
    const direct = await handleProviderWebhook(
      payments.services.payments,
      { rawBody: signed.rawBody, headers: {} },
      { secrets: [SECRET], toleranceSeconds: 300 },
    );
    expect(direct).toEqual({
      status: 400,
      body: { error: { code: 'WEBHOOK_SIGNATURE_MISSING', message: expect.any(String) } },
    });
  });

  it('refuses a signed event that is not a well-formed event', async () => {
    const response = await send({
      id: `evt_${randomUUID()}`,
      type: 'charge.refunded',
      data: { paymentReference: 'ch_x', amount: 'lots' },
    });
    expect(response).toMatchObject({
      status: 400,
      body: { error: { code: 'WEBHOOK_MALFORMED_EVENT' } },
    });
  });

  it('accepts a signature with two v1 entries while the secret rotates', async () => {
    const payment = await authorized(1000);
    const request = sandboxWebhook(['whsec_the_next_secret', SECRET], {
      type: 'authorization.expired',
      data: { paymentReference: payment.reference },
    });
    expect(request.headers['x-sandbox-signature']?.match(/v1=/g)).toHaveLength(2);
    expect((await post(request)).status).toBe(200);
    expect((await read(payment.id)).status).toBe('VOIDED');
  });

  it('has one effect for a duplicate event id, also when it is delivered 10 times at once', async () => {
    const payment = await captured(1000);
    const event = {
      id: `evt_${randomUUID()}`,
      type: 'charge.refunded',
      data: { paymentReference: payment.reference, amount: 300, refundReference: 're_dashboard_1' },
    };
    const before = await announcements(payment.orderId);
    const first = await send(event);
    const again = await send(event);
    expect(first.body).toMatchObject({ duplicate: false, outcome: 'APPLIED' });
    expect(again).toMatchObject({ status: 200, body: { duplicate: true, outcome: 'APPLIED' } });

    const concurrent = {
      ...event,
      id: `evt_${randomUUID()}`,
      data: { ...event.data, amount: 500 },
    };
    const request = sandboxWebhook(SECRET, concurrent);
    const responses = await Promise.all(Array.from({ length: 10 }, () => post(request)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(responses.filter((r) => r.body.duplicate === false)).toHaveLength(1);

    expect(await read(payment.id)).toMatchObject({
      status: 'PARTIALLY_REFUNDED',
      refundedAmount: { amount: 500 },
    });
    const refunds = (await read(payment.id)).transactions.filter(
      (t: { kind: string }) => t.kind === 'REFUND',
    );
    expect(refunds.map((t: { amount: { amount: number } }) => t.amount.amount)).toEqual([300, 200]);
    expect(await recorded(event.id)).toBe(1);
    expect(await recorded(concurrent.id)).toBe(1);
    expect(await announcements(payment.orderId)).toBe(before + 2);
  });

  it('does not count twice the webhook of a refund made through the API', async () => {
    const payment = await captured(1000);
    const refund = dataOf(
      await postGraphQL(
        payments.url,
        `mutation ($id: ID!) { paymentRefund(id: $id, amount: 400) { ${PAYMENT} } }`,
        { id: payment.id },
        { viewer: staff },
      ),
    ).paymentRefund;
    expect(refund.payment.refundedAmount.amount).toBe(400);
    const response = await send({
      type: 'charge.refunded',
      data: { paymentReference: payment.reference, amount: 400 },
    });
    expect(response.body).toMatchObject({ duplicate: false, outcome: 'UNCHANGED' });
    expect(await read(payment.id)).toMatchObject({
      status: 'PARTIALLY_REFUNDED',
      refundedAmount: { amount: 400 },
    });
  });

  it('keeps a refunded payment refunded when the capture event arrives after the refund', async () => {
    // Captured here, refunded at the processor: the late capture changes nothing.
    const payment = await captured(1000);
    const refunded = await send({
      type: 'charge.refunded',
      created: now(),
      data: { paymentReference: payment.reference, amount: 1000 },
    });
    expect(refunded.body.outcome).toBe('APPLIED');
    const late = await send({
      type: 'charge.captured',
      created: now() - 60,
      data: { paymentReference: payment.reference, amount: 1000 },
    });
    expect(late).toMatchObject({ status: 200, body: { duplicate: false, outcome: 'STALE' } });
    expect(await read(payment.id)).toMatchObject({
      status: 'REFUNDED',
      capturedAmount: { amount: 1000 },
      refundedAmount: { amount: 1000 },
    });

    // Captured and refunded at the processor, the refund delivered first.
    const other = await authorized(800);
    await send({
      type: 'charge.refunded',
      created: now(),
      data: { paymentReference: other.reference, amount: 800, amountCaptured: 800 },
    });
    const lateCapture = await send({
      type: 'charge.captured',
      created: now() - 30,
      data: { paymentReference: other.reference, amount: 800 },
    });
    expect(lateCapture.body.outcome).toBe('STALE');
    expect(await read(other.id)).toMatchObject({
      status: 'REFUNDED',
      capturedAmount: { amount: 800 },
      refundedAmount: { amount: 800 },
    });
    const [{ last }] = await payments.dataSource.query(
      `SELECT extract(epoch FROM provider_event_at)::int AS last FROM payments.payment WHERE id = $1`,
      [other.id],
    );
    expect(last).toBeGreaterThan(now() - 30);
  });

  it('records but does not apply amounts beyond what the processor could have moved', async () => {
    const payment = await captured(1000);
    const response = await send({
      id: `evt_${randomUUID()}`,
      type: 'charge.refunded',
      data: { paymentReference: payment.reference, amount: 1500 },
    });
    expect(response).toMatchObject({ status: 200, body: { outcome: 'REJECTED' } });
    expect(await recorded(response.body.eventId)).toBe(1);
    expect(await read(payment.id)).toMatchObject({
      status: 'CAPTURED',
      refundedAmount: { amount: 0 },
    });
  });

  it('voids an authorization the processor expired', async () => {
    const payment = await authorized(1000);
    const before = await announcements(payment.orderId);
    const response = await send({
      type: 'authorization.expired',
      data: { paymentReference: payment.reference, amount: 1000 },
    });
    expect(response.body.outcome).toBe('APPLIED');
    const voided = await read(payment.id);
    expect(voided.status).toBe('VOIDED');
    expect(voided.transactions.map((t: { kind: string }) => t.kind)).toEqual([
      'AUTHORIZATION',
      'VOID',
    ]);
    expect(await announcements(payment.orderId)).toBe(before + 1);
    const capture = dataOf(
      await postGraphQL(
        payments.url,
        `mutation ($id: ID!) { paymentCapture(id: $id) { ${PAYMENT} } }`,
        { id: payment.id },
        { viewer: staff },
      ),
    ).paymentCapture;
    expect(capture.userErrors[0].code).toBe('PAYMENT_NOT_CAPTURABLE');
    // An expiry of a captured payment changes nothing.
    const done = await captured(500);
    const ignored = await send({
      type: 'authorization.expired',
      data: { paymentReference: done.reference },
    });
    expect(ignored.body.outcome).toBe('UNCHANGED');
    expect((await read(done.id)).status).toBe('CAPTURED');
  });

  it('records a dispute on the payment, once', async () => {
    const payment = await captured(1000);
    const before = await announcements(payment.orderId);
    const opened = await send({
      type: 'charge.dispute.created',
      data: {
        paymentReference: payment.reference,
        amount: 1000,
        disputeId: 'dp_1',
        reason: 'fraudulent',
      },
    });
    expect(opened.body.outcome).toBe('APPLIED');
    const again = await send({
      type: 'charge.dispute.created',
      data: { paymentReference: payment.reference, amount: 1000, disputeId: 'dp_1' },
    });
    expect(again.body).toMatchObject({ duplicate: false, outcome: 'UNCHANGED' });
    expect(await read(payment.id)).toMatchObject({
      status: 'CAPTURED',
      disputes: [
        {
          providerDisputeId: 'dp_1',
          amount: { amount: 1000, currency: 'EUR' },
          reason: 'fraudulent',
          openedAt: expect.any(String),
        },
      ],
    });
    expect(await announcements(payment.orderId)).toBe(before + 1);
  });

  it('asks for a later delivery of an event for an unknown payment, and records other types', async () => {
    const unknown = await send({
      id: `evt_${randomUUID()}`,
      type: 'charge.captured',
      data: { paymentReference: 'ch_sandbox_not_ours', amount: 100 },
    });
    expect(unknown).toMatchObject({
      status: 404,
      body: { error: { code: 'WEBHOOK_PAYMENT_NOT_FOUND' } },
    });
    const other = await send({ type: 'customer.created', data: { id: 'cus_1' } });
    expect(other).toMatchObject({ status: 200, body: { outcome: 'IGNORED' } });
    expect(await recorded(other.body.eventId)).toBe(1);
  });
});
