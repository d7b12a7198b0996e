import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** bigint comes back from pg as a string; money is integer minor units well inside 2^53. */
const bigintNumber = { to: (v: number) => v, from: Number };

export type PaymentStatus =
  'AUTHORIZED' | 'DECLINED' | 'FAILED' | 'CAPTURED' | 'PARTIALLY_REFUNDED' | 'REFUNDED' | 'VOIDED';

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

export const paymentsEntities = [PaymentRow, PaymentTransactionRow];
