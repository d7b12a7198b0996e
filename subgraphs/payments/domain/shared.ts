import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { recordEvents } from '../../../platform/outbox';
import {
  orderUpdatedTopic,
  PAYMENT_CHANGED_TOPIC,
  type OrderUpdatedEvent,
  type PaymentChangedEvent,
} from '../../../platform/topics';
import { text } from '../../../platform/validation';
import { PaymentRow } from '../entities';
import { PaymentsErrorCode } from '../errors';
import type { FraudScreening } from '../fraud/store';
import { OFFLINE_METHODS, type OfflineMethod, OfflineProvider } from '../offline-provider';
import type { PaymentProvider } from '../provider';

/** What every payments use case works with. */
export interface PaymentsDeps {
  db: DataSource;
  /** The card processor. */
  provider: PaymentProvider;
  fraud: FraudScreening;
}

const offline: Record<string, PaymentProvider> = Object.fromEntries(
  Object.values(OFFLINE_METHODS).map((name) => [name, new OfflineProvider(name)]),
);

/** The provider that authorized a payment (stored by name): later calls go to it. */
export function providerOf(deps: PaymentsDeps, payment: Pick<PaymentRow, 'provider'>) {
  return offline[payment.provider] ?? deps.provider;
}

/** The provider for a new payment by method: the card processor, or an offline one. */
export function providerFor(deps: PaymentsDeps, method: 'CARD' | OfflineMethod): PaymentProvider {
  return method === 'CARD' ? deps.provider : offline[OFFLINE_METHODS[method]]!;
}

/**
 * What a payment mutation did. A decline is an expected outcome, not an exception: the
 * payment (with its stored failure) comes back together with the error to show.
 */
export interface PaymentOutcome {
  payment: PaymentRow;
  failure: DomainError | null;
}

const MAX_KEY_LENGTH = 200;
/** Idempotency keys: bounded, single line, no control characters (PostgreSQL refuses NUL). */
const idempotencyKey = text(MAX_KEY_LENGTH);

/**
 * The payment now has this state: subscribers of the order hear it, and orders applies it
 * to the order (PAYMENT_CHANGED_TOPIC), once this transaction commits.
 */
export async function announce(
  tx: EntityManager,
  payment: Pick<
    PaymentRow,
    'id' | 'orderId' | 'status' | 'currency' | 'amount' | 'capturedAmount' | 'refundedAmount'
  >,
  changedBy: string,
): Promise<void> {
  const updated: OrderUpdatedEvent = { orderId: payment.orderId, source: 'payments' };
  const changed: PaymentChangedEvent = {
    paymentId: payment.id,
    orderId: payment.orderId,
    status: payment.status,
    currency: payment.currency,
    amount: payment.amount,
    capturedAmount: payment.capturedAmount,
    refundedAmount: payment.refundedAmount,
    changedBy,
  };
  await recordEvents(tx, 'payments', [
    { topic: orderUpdatedTopic(payment.orderId), payload: updated },
    { topic: PAYMENT_CHANGED_TOPIC, payload: changed },
  ]);
}

export async function lockPayment(tx: EntityManager, id: string): Promise<PaymentRow> {
  const payment = await tx
    .getRepository(PaymentRow)
    .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  if (!payment)
    throw new DomainError(PaymentsErrorCode.NOT_FOUND, `Payment ${id} was not found`, ['id']);
  return payment;
}

export function positiveAmount(amount: number, field: string[]): number {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new DomainError(
      PaymentsErrorCode.INVALID_AMOUNT,
      'Amount must be a positive integer number of minor units',
      field,
    );
  }
  return amount;
}

export function checkKey(key: string | null | undefined, field: string[]): string | null {
  if (key === null || key === undefined) return null;
  // Checked, not normalized: a key is compared exactly as the caller sent it.
  if (!idempotencyKey.safeParse(key).success) {
    throw new DomainError(
      PaymentsErrorCode.INVALID_IDEMPOTENCY_KEY,
      `idempotencyKey must be 1-${MAX_KEY_LENGTH} characters without control characters`,
      field,
    );
  }
  return key;
}
