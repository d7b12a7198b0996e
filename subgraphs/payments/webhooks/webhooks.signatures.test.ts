import { randomUUID } from 'node:crypto';
import { sandboxWebhook } from '../sandbox/webhook';
import { handleProviderWebhook } from './handler';
import {
  SECRET,
  useWebhooksSubgraph,
  payments,
  authorized,
  read,
  post,
  now,
  send,
  recorded,
  announcements,
} from './test-kit';

useWebhooksSubgraph();

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
      payments().services.payments,
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
});
