import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PaymentsInitial1764100000000 implements MigrationInterface {
  name = 'PaymentsInitial1764100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SCHEMA IF NOT EXISTS payments`);
    await db.query(`
      CREATE TABLE payments.payment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        status text NOT NULL CHECK (status IN (
          'AUTHORIZED', 'DECLINED', 'FAILED', 'CAPTURED', 'PARTIALLY_REFUNDED', 'REFUNDED', 'VOIDED'
        )),
        captured_amount bigint NOT NULL DEFAULT 0 CHECK (captured_amount >= 0),
        refunded_amount bigint NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0),
        provider text NOT NULL,
        provider_reference text,
        card_brand text,
        card_last4 text CHECK (card_last4 ~ '^[0-9]{4}$'),
        failure_code text,
        failure_message text,
        idempotency_key text NOT NULL UNIQUE CHECK (length(idempotency_key) > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT payment_captured_within_amount CHECK (captured_amount <= amount),
        CONSTRAINT payment_refunded_within_captured CHECK (refunded_amount <= captured_amount)
      )`);
    await db.query(`CREATE INDEX payment_order_idx ON payments.payment (order_id, created_at, id)`);
    await db.query(`
      CREATE TABLE payments.payment_transaction (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        payment_id uuid NOT NULL REFERENCES payments.payment(id),
        kind text NOT NULL CHECK (kind IN ('AUTHORIZATION', 'CAPTURE', 'VOID', 'REFUND')),
        amount bigint NOT NULL CHECK (amount >= 0),
        status text NOT NULL CHECK (status IN ('SUCCEEDED', 'FAILED')),
        provider_reference text,
        idempotency_key text UNIQUE,
        reason text,
        failure_code text,
        failure_message text,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await db.query(
      `CREATE INDEX payment_transaction_payment_idx ON payments.payment_transaction (payment_id, created_at, id)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP SCHEMA payments CASCADE`);
  }
}
