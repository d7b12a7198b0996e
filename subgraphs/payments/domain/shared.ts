import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { recordEvent } from '../../../platform/outbox';
import { orderUpdatedTopic, type OrderUpdatedEvent } from '../../../platform/topics';
import { text } from '../../../platform/validation';
import { PaymentRow } from '../entities';
import { PaymentsErrorCode } from '../errors';
import type { FraudScreening } from '../fraud/store';
import type { PaymentProvider } from '../provider';

/** What every payments use case works with. */
export interface PaymentsDeps {
  db: DataSource;
  provider: PaymentProvider;
  fraud: FraudScreening;
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

/** The order's payment state changed: subscribers of the order hear it once this commits. */
export function announce(tx: EntityManager, payment: PaymentRow): Promise<void> {
  const event: OrderUpdatedEvent = { orderId: payment.orderId, source: 'payments' };
  return recordEvent(tx, 'payments', orderUpdatedTopic(payment.orderId), event);
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
