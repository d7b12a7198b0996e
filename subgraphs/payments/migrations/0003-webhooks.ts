import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Provider webhooks: the received events (one per event id), disputes, event ordering. */
export class PaymentsWebhooks1764300000001 implements MigrationInterface {
  name = 'PaymentsWebhooks1764300000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE payments.payment ADD COLUMN provider_event_at timestamptz`);
    await db.query(`
      CREATE INDEX payment_provider_reference_idx ON payments.payment (provider, provider_reference)
        WHERE provider_reference IS NOT NULL`);
    await db.query(`
      CREATE TABLE payments.webhook_event (
        id text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 255),
        type text NOT NULL,
        payment_id uuid REFERENCES payments.payment(id),
        payment_reference text,
        provider_created_at timestamptz NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('APPLIED', 'UNCHANGED', 'STALE', 'REJECTED', 'IGNORED')),
        detail text NOT NULL,
        payload jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await db.query(
      `CREATE INDEX webhook_event_payment_idx ON payments.webhook_event (payment_id, provider_created_at)`,
    );
    await db.query(`
      CREATE TABLE payments.payment_dispute (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        payment_id uuid NOT NULL REFERENCES payments.payment(id),
        provider_dispute_id text NOT NULL UNIQUE,
        amount bigint NOT NULL CHECK (amount > 0),
        reason text,
        opened_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await db.query(
      `CREATE INDEX payment_dispute_payment_idx ON payments.payment_dispute (payment_id, opened_at, id)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE payments.payment_dispute`);
    await db.query(`DROP TABLE payments.webhook_event`);
    await db.query(`DROP INDEX payments.payment_provider_reference_idx`);
    await db.query(`ALTER TABLE payments.payment DROP COLUMN provider_event_at`);
  }
}
