import { sandboxWebhook } from '../sandbox/webhook';
import { MalformedEventError, type PaymentEvent, parseProviderEvent } from './events';
import { webhookConfigFromEnv, DEV_WEBHOOK_SECRET } from './handler';
import { movesForward, type PaymentState, reconcile } from './reconcile';
import { computeSignature, signatureHeader, verifySignature } from './signature';

const SECRET = 'whsec_test';
const T = 1_764_300_000;
const body = Buffer.from('{"id":"evt_1"}');

describe('webhook signatures', () => {
  const verify = (header: string | undefined, options: { now?: number; secrets?: string[] } = {}) =>
    verifySignature(header, body, { secrets: options.secrets ?? [SECRET], now: options.now ?? T });

  it('accepts an HMAC-SHA256 of "<t>.<body>" with the secret', () => {
    expect(verify(`t=${T},v1=${computeSignature(SECRET, T, body)}`)).toEqual({
      ok: true,
      timestamp: T,
    });
  });

  it('refuses a missing, malformed or wrong signature with a code', () => {
    expect(verify(undefined)).toMatchObject({ ok: false, code: 'WEBHOOK_SIGNATURE_MISSING' });
    expect(verify('nonsense')).toMatchObject({ ok: false, code: 'WEBHOOK_SIGNATURE_MALFORMED' });
    expect(verify(`v1=${computeSignature(SECRET, T, body)}`)).toMatchObject({
      code: 'WEBHOOK_SIGNATURE_MALFORMED',
    });
    expect(verify(`t=${T},v1=abc`)).toMatchObject({ code: 'WEBHOOK_SIGNATURE_MALFORMED' });
    expect(verify(signatureHeader(['other'], T, body))).toMatchObject({
      code: 'WEBHOOK_SIGNATURE_INVALID',
    });
    // The timestamp is signed: moving it breaks the signature.
    const moved = `t=${T + 1},v1=${computeSignature(SECRET, T, body)}`;
    expect(verify(moved, { now: T + 1 })).toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
    const tampered = Buffer.from('{"id":"evt_2"}');
    expect(
      verifySignature(signatureHeader([SECRET], T, body), tampered, { secrets: [SECRET], now: T }),
    ).toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
  });

  it('tolerates 300 seconds of clock difference in both directions', () => {
    const header = signatureHeader([SECRET], T, body);
    expect(verify(header, { now: T + 300 }).ok).toBe(true);
    expect(verify(header, { now: T - 300 }).ok).toBe(true);
    expect(verify(header, { now: T + 301 })).toMatchObject({
      code: 'WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE',
    });
    expect(verify(header, { now: T - 301 })).toMatchObject({
      code: 'WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE',
    });
    expect(
      verifySignature(header, body, { secrets: [SECRET], now: T + 1000, toleranceSeconds: 1000 })
        .ok,
    ).toBe(true);
  });

  it('accepts any of several v1 entries, and any of several configured secrets', () => {
    const rotating = signatureHeader(['old-secret', SECRET], T, body);
    expect(verify(rotating).ok).toBe(true);
    expect(verify(rotating, { secrets: ['old-secret'] }).ok).toBe(true);
    expect(
      verify(signatureHeader(['old-secret'], T, body), { secrets: [SECRET, 'old-secret'] }).ok,
    ).toBe(true);
    expect(verify(`t=${T},v0=${computeSignature(SECRET, T, body)}`)).toMatchObject({
      code: 'WEBHOOK_SIGNATURE_MALFORMED',
    });
  });

  it('builds sandbox requests that verify', () => {
    const request = sandboxWebhook(SECRET, { type: 'charge.captured', data: {} }, { timestamp: T });
    expect(JSON.parse(request.rawBody.toString())).toMatchObject({
      id: expect.stringMatching(/^evt_sandbox_/),
      created: T,
    });
    expect(
      verifySignature(request.headers['x-sandbox-signature'], request.rawBody, {
        secrets: [SECRET],
        now: T,
      }).ok,
    ).toBe(true);
  });
});

describe('webhook configuration', () => {
  it('reads the secrets and the tolerance, with a development default', () => {
    expect(webhookConfigFromEnv({})).toEqual({
      secrets: [DEV_WEBHOOK_SECRET],
      toleranceSeconds: 300,
    });
    expect(
      webhookConfigFromEnv({
        PAYMENT_WEBHOOK_SECRET: 'new, old',
        PAYMENT_WEBHOOK_TOLERANCE_SECONDS: '60',
      }),
    ).toEqual({ secrets: ['new', 'old'], toleranceSeconds: 60 });
    expect(() => webhookConfigFromEnv({ NODE_ENV: 'production' })).toThrow(
      /PAYMENT_WEBHOOK_SECRET/,
    );
  });
});

describe('webhook events', () => {
  const parse = (value: unknown) => parseProviderEvent(Buffer.from(JSON.stringify(value)));

  it('parses the payment events and keeps other types for the record', () => {
    expect(
      parse({
        id: 'evt_1',
        type: 'charge.refunded',
        created: T,
        data: { paymentReference: 'ch_1', amount: 300, refundReference: 're_1' },
      }),
    ).toMatchObject({
      id: 'evt_1',
      type: 'charge.refunded',
      created: new Date(T * 1000),
      data: {
        paymentReference: 'ch_1',
        amount: 300,
        amountCaptured: null,
        refundReference: 're_1',
      },
    });
    expect(
      parse({
        id: 'evt_2',
        type: 'authorization.expired',
        created: T,
        data: { paymentReference: 'ch_1' },
      }).data,
    ).toMatchObject({ amount: null });
    expect(parse({ id: 'evt_3', type: 'customer.created', created: T, data: {} })).toMatchObject({
      type: 'customer.created',
      data: null,
      paymentReference: null,
    });
  });

  it.each([
    ['not JSON', '{'],
    ['no id', { type: 'charge.captured', created: T, data: { paymentReference: 'ch', amount: 1 } }],
    [
      'no created',
      { id: 'e', type: 'charge.captured', data: { paymentReference: 'ch', amount: 1 } },
    ],
    ['no reference', { id: 'e', type: 'charge.captured', created: T, data: { amount: 1 } }],
    [
      'no amount',
      { id: 'e', type: 'charge.captured', created: T, data: { paymentReference: 'ch' } },
    ],
    [
      'a fractional amount',
      {
        id: 'e',
        type: 'charge.captured',
        created: T,
        data: { paymentReference: 'ch', amount: 1.5 },
      },
    ],
    [
      'a negative amount',
      {
        id: 'e',
        type: 'charge.refunded',
        created: T,
        data: { paymentReference: 'ch', amount: -5 },
      },
    ],
  ])('refuses an event with %s', (_name, value) => {
    const raw = Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
    expect(() => parseProviderEvent(raw)).toThrow(MalformedEventError);
  });
});

describe('reconciling provider events', () => {
  const authorized: PaymentState = {
    status: 'AUTHORIZED',
    amount: 1000,
    capturedAmount: 0,
    refundedAmount: 0,
    providerEventAt: null,
    disputeIds: [],
  };
  const captured: PaymentState = { ...authorized, status: 'CAPTURED', capturedAmount: 1000 };
  let sequence = 0;
  function event(
    type: PaymentEvent['type'],
    data: Partial<PaymentEvent['data']>,
    created = T,
  ): PaymentEvent {
    sequence += 1;
    return {
      id: `evt_${sequence}`,
      type,
      created: new Date(created * 1000),
      payload: {},
      data: {
        paymentReference: 'ch_1',
        amount: null,
        amountCaptured: null,
        refundReference: null,
        disputeId: null,
        reason: null,
        ...data,
      },
    };
  }

  it('captures an authorized payment, and not above the authorized amount', () => {
    expect(reconcile(authorized, event('charge.captured', { amount: 600 }))).toMatchObject({
      outcome: 'APPLIED',
      changes: { status: 'CAPTURED', capturedAmount: 600, refundedAmount: 0 },
      ledger: [{ kind: 'CAPTURE', amount: 600 }],
    });
    expect(reconcile(authorized, event('charge.captured', { amount: 1001 }))).toMatchObject({
      outcome: 'REJECTED',
      changes: null,
    });
    expect(reconcile(captured, event('charge.captured', { amount: 1000 }))).toMatchObject({
      outcome: 'UNCHANGED',
      changes: null,
      ledger: [],
    });
    expect(reconcile(captured, event('charge.captured', { amount: 900 })).outcome).toBe('REJECTED');
    expect(
      reconcile({ ...authorized, status: 'VOIDED' }, event('charge.captured', { amount: 10 }))
        .outcome,
    ).toBe('REJECTED');
  });

  it('takes refunded totals, so a known refund counts once and more than captured is refused', () => {
    const partly = reconcile(captured, event('charge.refunded', { amount: 300 }));
    expect(partly).toMatchObject({
      outcome: 'APPLIED',
      changes: { status: 'PARTIALLY_REFUNDED', refundedAmount: 300 },
      ledger: [{ kind: 'REFUND', amount: 300 }],
    });
    const after: PaymentState = { ...captured, ...partly.changes! };
    expect(reconcile(after, event('charge.refunded', { amount: 300 })).outcome).toBe('UNCHANGED');
    expect(reconcile(after, event('charge.refunded', { amount: 1000 }))).toMatchObject({
      changes: { status: 'REFUNDED', refundedAmount: 1000 },
      ledger: [{ kind: 'REFUND', amount: 700 }],
    });
    expect(reconcile(after, event('charge.refunded', { amount: 1001 })).outcome).toBe('REJECTED');
    expect(reconcile(authorized, event('charge.refunded', { amount: 100 })).outcome).toBe(
      'REJECTED',
    );
  });

  it('applies a refund that carries its capture before the late capture event, which then changes nothing', () => {
    const refund = reconcile(
      authorized,
      event('charge.refunded', { amount: 1000, amountCaptured: 1000 }, T + 10),
    );
    expect(refund).toMatchObject({
      outcome: 'APPLIED',
      changes: { status: 'REFUNDED', capturedAmount: 1000, refundedAmount: 1000 },
      ledger: [
        { kind: 'CAPTURE', amount: 1000 },
        { kind: 'REFUND', amount: 1000 },
      ],
    });
    const refunded: PaymentState = {
      ...authorized,
      ...refund.changes!,
      providerEventAt: new Date((T + 10) * 1000),
    };
    const late = reconcile(refunded, event('charge.captured', { amount: 1000 }, T));
    expect(late).toMatchObject({ outcome: 'STALE', changes: null, ledger: [] });
    const lateRefund = reconcile(refunded, event('charge.refunded', { amount: 400 }, T + 5));
    expect(lateRefund).toMatchObject({ outcome: 'STALE', changes: null });
  });

  it('voids an expired authorization, and nothing else', () => {
    expect(reconcile(authorized, event('authorization.expired', {}))).toMatchObject({
      outcome: 'APPLIED',
      changes: { status: 'VOIDED', capturedAmount: 0 },
      ledger: [{ kind: 'VOID', amount: 1000 }],
    });
    expect(reconcile(captured, event('authorization.expired', {})).outcome).toBe('UNCHANGED');
    expect(
      reconcile({ ...authorized, status: 'VOIDED' }, event('authorization.expired', {})).outcome,
    ).toBe('UNCHANGED');
    expect(reconcile(authorized, event('authorization.expired', { amount: 5000 })).outcome).toBe(
      'REJECTED',
    );
  });

  it('records a dispute once, within the captured amount, without moving the payment', () => {
    const opened = reconcile(
      captured,
      event('charge.dispute.created', { amount: 1000, disputeId: 'dp_1', reason: 'fraudulent' }),
    );
    expect(opened).toMatchObject({
      outcome: 'APPLIED',
      changes: null,
      dispute: { providerDisputeId: 'dp_1', amount: 1000, reason: 'fraudulent' },
    });
    expect(
      reconcile(
        { ...captured, disputeIds: ['dp_1'] },
        event('charge.dispute.created', { amount: 1000, disputeId: 'dp_1' }),
      ).outcome,
    ).toBe('UNCHANGED');
    expect(
      reconcile(captured, event('charge.dispute.created', { amount: 2000, disputeId: 'dp_2' }))
        .outcome,
    ).toBe('REJECTED');
    expect(
      reconcile(authorized, event('charge.dispute.created', { amount: 100, disputeId: 'dp_3' }))
        .outcome,
    ).toBe('REJECTED');
  });

  it('never moves a status back', () => {
    expect(movesForward('REFUNDED', 'CAPTURED')).toBe(false);
    expect(movesForward('PARTIALLY_REFUNDED', 'CAPTURED')).toBe(false);
    expect(movesForward('CAPTURED', 'VOIDED')).toBe(false);
    expect(movesForward('VOIDED', 'AUTHORIZED')).toBe(false);
    expect(movesForward('AUTHORIZED', 'REFUNDED')).toBe(true);
    expect(movesForward('AUTHORIZED', 'VOIDED')).toBe(true);
  });
});
