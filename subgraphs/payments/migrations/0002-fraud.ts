import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Fraud screening: one assessment per authorization attempt, also the velocity history. */
export class PaymentsFraud1764300000000 implements MigrationInterface {
  name = 'PaymentsFraud1764300000000';

  async up(db: QueryRunner): Promise<void> {
    // No foreign key to payment: the assessment is written before the payment row, so
    // that a retry or a concurrent request with the same key finds the same decision.
    await db.query(`
      CREATE TABLE payments.fraud_assessment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        payment_id uuid UNIQUE,
        order_id uuid NOT NULL,
        customer_key text,
        email text,
        ip text,
        card_fingerprint text,
        amount bigint NOT NULL CHECK (amount > 0),
        currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        score integer NOT NULL CHECK (score BETWEEN 0 AND 100),
        decision text NOT NULL CHECK (decision IN ('APPROVE', 'REVIEW', 'REJECT')),
        reasons jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(reasons) = 'array'),
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    // The velocity and failure lookups: one index per key, newest last.
    await db.query(`
      CREATE INDEX fraud_assessment_customer_idx ON payments.fraud_assessment (customer_key, created_at)
        WHERE customer_key IS NOT NULL`);
    await db.query(`
      CREATE INDEX fraud_assessment_card_idx ON payments.fraud_assessment (card_fingerprint, created_at)
        WHERE card_fingerprint IS NOT NULL`);
    await db.query(`
      CREATE INDEX fraud_assessment_ip_idx ON payments.fraud_assessment (ip, created_at)
        WHERE ip IS NOT NULL`);
    await db.query(
      `CREATE INDEX fraud_assessment_order_idx ON payments.fraud_assessment (order_id)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE payments.fraud_assessment`);
  }
}
