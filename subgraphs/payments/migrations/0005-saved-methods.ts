import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Saved payment methods: the processor's vault token of a customer's card with what a
 * customer needs to recognise it (brand, last4, expiry). Never a card number.
 */
export class PaymentsSavedMethods1765000000001 implements MigrationInterface {
  name = 'PaymentsSavedMethods1765000000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE payments.saved_payment_method (
        id uuid PRIMARY KEY,
        customer_id uuid NOT NULL,
        provider text NOT NULL,
        vault_token text NOT NULL,
        brand text NOT NULL,
        last4 text NOT NULL CHECK (last4 ~ '^[0-9]{4}$'),
        exp_month int NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
        exp_year int NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        removed_at timestamptz
      )`);
    await db.query(
      `CREATE INDEX saved_payment_method_customer_idx ON payments.saved_payment_method (customer_id)
         WHERE removed_at IS NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE payments.saved_payment_method`);
  }
}
