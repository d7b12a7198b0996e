import { randomUUID } from 'node:crypto';
import { dataOf, postGraphQL } from '../../../platform/testing/graphql-client';
import { sandboxWebhook } from '../sandbox/webhook';
import {
  SECRET,
  staff,
  useWebhooksSubgraph,
  payments,
  PAYMENT,
  authorized,
  captured,
  read,
  post,
  now,
  send,
  recorded,
  announcements,
} from './test-kit';

useWebhooksSubgraph();

describe('payment provider webhooks', () => {
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
        payments().url,
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
    const [{ last }] = await payments().dataSource.query(
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
        payments().url,
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
