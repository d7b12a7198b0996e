/**
 * The processor's asynchronous events, as the sandbox (and Stripe-like processors) send
 * them: `{ id, type, created, data: { paymentReference, amount, ... } }`, `created` in
 * unix seconds. Amounts are the charge's totals at `created`, not deltas, the way
 * processors report a charge (Stripe's amount_captured, amount_refunded): a late event,
 * a replay, or the event for a refund we made ourselves then never counts twice.
 *
 *   charge.captured         data.amount: the captured amount (a charge is captured once)
 *   charge.refunded         data.amount: the charge's refunded total after this refund;
 *                           data.refundReference: the processor's id of the refund (optional)
 *   charge.dispute.created  data.amount: the disputed amount; data.disputeId, data.reason
 *                           (without a disputeId the event id names the dispute)
 *
 * charge.refunded and charge.dispute.created may carry data.amountCaptured, the charge's
 * captured total: when their capture has not reached us yet (its event is late), it is
 * reconciled first. Without it such an event on an uncaptured payment is refused.
 *   authorization.expired   the processor released an authorization nobody captured;
 *                           data.amount optional
 *
 * Any other type is acknowledged and recorded, without effect.
 */

export const PAYMENT_EVENT_TYPES = [
  'charge.captured',
  'charge.refunded',
  'charge.dispute.created',
  'authorization.expired',
] as const;
export type PaymentEventType = (typeof PAYMENT_EVENT_TYPES)[number];

export interface PaymentEventData {
  paymentReference: string;
  /** Integer minor units; null only for authorization.expired without an amount. */
  amount: number | null;
  /** The charge's captured total, when a refund or a dispute event carries it. */
  amountCaptured: number | null;
  refundReference: string | null;
  disputeId: string | null;
  reason: string | null;
}

interface EventBase {
  id: string;
  created: Date;
  /** The parsed JSON, stored as received. */
  payload: Record<string, unknown>;
}

export type PaymentEvent = EventBase & { type: PaymentEventType; data: PaymentEventData };
export type OtherEvent = EventBase & { type: string; data: null; paymentReference: string | null };
export type ProviderEvent = PaymentEvent | OtherEvent;

export function isPaymentEvent(event: ProviderEvent): event is PaymentEvent {
  return (PAYMENT_EVENT_TYPES as readonly string[]).includes(event.type);
}

export class MalformedEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedEventError';
  }
}

const MAX_ID_LENGTH = 255;
const MAX_TEXT_LENGTH = 500;

/** Parses and checks the body of a (verified) webhook request. */
export function parseProviderEvent(rawBody: Buffer): ProviderEvent {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new MalformedEventError('The body is not JSON');
  }
  if (!isRecord(json)) throw new MalformedEventError('The event must be a JSON object');
  const id = text(json.id, 'id', true);
  const type = text(json.type, 'type', true);
  const created = json.created;
  if (typeof created !== 'number' || !Number.isSafeInteger(created) || created <= 0) {
    throw new MalformedEventError('created must be unix seconds');
  }
  const base = { id, created: new Date(created * 1000), payload: json };
  const data = isRecord(json.data) ? json.data : null;
  if (!(PAYMENT_EVENT_TYPES as readonly string[]).includes(type)) {
    const reference = data ? text(data.paymentReference, 'data.paymentReference', false) : null;
    return { ...base, type, data: null, paymentReference: reference };
  }
  if (!data) throw new MalformedEventError('data must be an object');
  const amount = minorUnits(data.amount, 'data.amount');
  if (amount === null && type !== 'authorization.expired') {
    throw new MalformedEventError('data.amount is required');
  }
  return {
    ...base,
    type: type as PaymentEventType,
    data: {
      paymentReference: text(data.paymentReference, 'data.paymentReference', true),
      amount,
      amountCaptured: minorUnits(data.amountCaptured, 'data.amountCaptured'),
      refundReference: text(data.refundReference, 'data.refundReference', false),
      disputeId: text(data.disputeId, 'data.disputeId', false),
      reason: text(data.reason, 'data.reason', false),
    },
  };
}

function minorUnits(value: unknown, name: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new MalformedEventError(`${name} must be a positive integer of minor units`);
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown, name: string, required: true): string;
function text(value: unknown, name: string, required: false): string | null;
function text(value: unknown, name: string, required: boolean): string | null {
  if (value === undefined || value === null) {
    if (required) throw new MalformedEventError(`${name} is required`);
    return null;
  }
  const max = name === 'id' || name === 'type' ? MAX_ID_LENGTH : MAX_TEXT_LENGTH;
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new MalformedEventError(`${name} must be a string of 1-${max} characters`);
  }
  return value;
}
