import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every try of a delivery, as it happened: when, how long, what the endpoint answered or
 * why it could not be reached. The delivery row keeps only the latest; staff debugging an
 * integration need the whole sequence.
 */
export class WebhooksDeliveryAttempts1768200000000 implements MigrationInterface {
  name = 'WebhooksDeliveryAttempts1768200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE webhooks.delivery_attempt (
        id bigserial PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES webhooks.delivery (id) ON DELETE CASCADE,
        attempted_at timestamptz NOT NULL,
        duration_ms int NOT NULL,
        response_status int,
        error text
      )`);
    await db.query(
      `CREATE INDEX delivery_attempt_by_delivery ON webhooks.delivery_attempt (delivery_id, id)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE webhooks.delivery_attempt`);
  }
}
