import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { FraudDecision, FraudReason } from './fraud/assess';

/** bigint comes back from pg as a string; money is integer minor units well inside 2^53. */
const bigintNumber = { to: (v: number) => v, from: Number };

export type PaymentStatus =
  | 'AUTHORIZED'
  | 'REQUIRES_ACTION'
  | 'DECLINED'
  | 'FAILED'
  | 'CAPTURED'
  | 'PARTIALLY_REFUNDED'
  | 'REFUNDED'
  | 'VOIDED';

@Entity({ name: 'payment' })
export class PaymentRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'order_id', type: 'uuid' }) orderId: string;
  @Column({ type: 'bigint', transformer: bigintNumber }) amount: number;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ type: 'text' }) status: PaymentStatus;
  @Column({ name: 'captured_amount', type: 'bigint', default: 0, transformer: bigintNumber })
  capturedAmount: number;
  @Column({ name: 'refunded_amount', type: 'bigint', default: 0, transformer: bigintNumber })
  refundedAmount: number;
  @Column({ type: 'text' }) provider: string;
  @Column({ name: 'provider_reference', type: 'text', nullable: true }) providerReference:
    string | null;
  @Column({ name: 'card_brand', type: 'text', nullable: true }) cardBrand: string | null;
  @Column({ name: 'card_last4', type: 'text', nullable: true }) cardLast4: string | null;
  @Column({ name: 'failure_code', type: 'text', nullable: true }) failureCode: string | null;
  @Column({ name: 'failure_message', type: 'text', nullable: true }) failureMessage: string | null;
  @Column({ name: 'idempotency_key', type: 'text' }) idempotencyKey: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
  /** `created` of the last provider event (webhook) that changed the payment. */
  @Column({ name: 'provider_event_at', type: 'timestamptz', nullable: true })
  providerEventAt: Date | null;
  /** REQUIRES_ACTION: where the buyer completes the 3-D Secure challenge, and until when. */
  @Column({ name: 'action_url', type: 'text', nullable: true }) actionUrl: string | null;
  @Column({ name: 'action_expires_at', type: 'timestamptz', nullable: true })
  actionExpiresAt: Date | null;
  /** When orders confirmed the order exists: the unclaimed-authorization reconciler skips it. */
  @Column({ name: 'order_confirmed_at', type: 'timestamptz', nullable: true })
  orderConfirmedAt: Date | null;
}

/** A customer's card in the processor's vault; payments keeps its token, never the number. */
@Entity({ name: 'saved_payment_method' })
export class SavedPaymentMethodRow {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'customer_id', type: 'uuid' }) customerId: string;
  @Column({ type: 'text' }) provider: string;
  @Column({ name: 'vault_token', type: 'text' }) vaultToken: string;
  @Column({ type: 'text' }) brand: string;
  @Column({ type: 'text' }) last4: string;
  @Column({ name: 'exp_month', type: 'int' }) expMonth: number;
  @Column({ name: 'exp_year', type: 'int' }) expYear: number;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'removed_at', type: 'timestamptz', nullable: true }) removedAt: Date | null;
}

export type PaymentTransactionKind = 'AUTHORIZATION' | 'CAPTURE' | 'VOID' | 'REFUND';
export type PaymentTransactionStatus = 'SUCCEEDED' | 'FAILED';

/** One call to the processor that it answered: the ledger of a payment. */
@Entity({ name: 'payment_transaction' })
export class PaymentTransactionRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'payment_id', type: 'uuid' }) paymentId: string;
  @Column({ type: 'text' }) kind: PaymentTransactionKind;
  @Column({ type: 'bigint', transformer: bigintNumber }) amount: number;
  @Column({ type: 'text' }) status: PaymentTransactionStatus;
  @Column({ name: 'provider_reference', type: 'text', nullable: true }) providerReference:
    string | null;
  /** `<paymentId>:<kind>:<client key>`; also the key sent to the processor. Null without a client key. */
  @Column({ name: 'idempotency_key', type: 'text', nullable: true }) idempotencyKey: string | null;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ name: 'failure_code', type: 'text', nullable: true }) failureCode: string | null;
  @Column({ name: 'failure_message', type: 'text', nullable: true }) failureMessage: string | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'clock_timestamp()' })
  createdAt: Date;
}

/**
 * The screening of one authorization attempt, written before the processor is called.
 * Its rows are also the history the velocity rules count.
 */
@Entity({ name: 'fraud_assessment' })
export class FraudAssessmentRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** The payment the attempt created (its id follows from the idempotency key). */
  @Column({ name: 'payment_id', type: 'uuid', nullable: true }) paymentId: string | null;
  @Column({ name: 'order_id', type: 'uuid' }) orderId: string;
  @Column({ name: 'customer_key', type: 'text', nullable: true }) customerKey: string | null;
  @Column({ type: 'text', nullable: true }) email: string | null;
  @Column({ type: 'text', nullable: true }) ip: string | null;
  @Column({ name: 'card_fingerprint', type: 'text', nullable: true }) cardFingerprint:
    string | null;
  @Column({ type: 'bigint', transformer: bigintNumber }) amount: number;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ type: 'integer' }) score: number;
  @Column({ type: 'text' }) decision: FraudDecision;
  @Column({ type: 'jsonb' }) reasons: FraudReason[];
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'clock_timestamp()' })
  createdAt: Date;
}

export type WebhookEventOutcome = 'APPLIED' | 'UNCHANGED' | 'STALE' | 'REJECTED' | 'IGNORED';

/** Every provider event received, once per event id: the guard against replays. */
@Entity({ name: 'webhook_event' })
export class WebhookEventRow {
  /** The provider's event id. */
  @Column({ type: 'text', primary: true }) id: string;
  @Column({ type: 'text' }) type: string;
  @Column({ name: 'payment_id', type: 'uuid', nullable: true }) paymentId: string | null;
  @Column({ name: 'payment_reference', type: 'text', nullable: true }) paymentReference:
    string | null;
  /** When the provider says the event happened. */
  @Column({ name: 'provider_created_at', type: 'timestamptz' }) providerCreatedAt: Date;
  @Column({ type: 'text' }) outcome: WebhookEventOutcome;
  @Column({ type: 'text' }) detail: string;
  @Column({ type: 'jsonb' }) payload: object;
  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'clock_timestamp()' })
  receivedAt: Date;
}

/** A chargeback the cardholder opened with their bank, as the provider reported it. */
@Entity({ name: 'payment_dispute' })
export class PaymentDisputeRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'payment_id', type: 'uuid' }) paymentId: string;
  @Column({ name: 'provider_dispute_id', type: 'text' }) providerDisputeId: string;
  @Column({ type: 'bigint', transformer: bigintNumber }) amount: number;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ name: 'opened_at', type: 'timestamptz' }) openedAt: Date;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'clock_timestamp()' })
  createdAt: Date;
}

export const paymentsEntities = [
  PaymentRow,
  PaymentTransactionRow,
  FraudAssessmentRow,
  WebhookEventRow,
  PaymentDisputeRow,
  SavedPaymentMethodRow,
];
