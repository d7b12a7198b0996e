import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Endpoints (an app's URL, topics, document and signing secret) and the delivery ledger:
 * one row per (event, endpoint), which is what makes a redelivered event no second POST.
 * The secret is kept as given (it signs every delivery); it is shown to the merchant once.
 */
export class WebhooksInitial1767500000001 implements MigrationInterface {
  name = 'WebhooksInitial1767500000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE webhooks.endpoint (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        app_id uuid NOT NULL,
        url text NOT NULL,
        topics text[] NOT NULL,
        query text NOT NULL,
        secret text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE webhooks.delivery (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        event_id text NOT NULL,
        endpoint_id uuid NOT NULL REFERENCES webhooks.endpoint (id),
        topic text NOT NULL,
        variables jsonb NOT NULL,
        payload text,
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERED', 'DEAD')),
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        response_status int,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        CONSTRAINT delivery_once UNIQUE (event_id, endpoint_id)
      )`);
    await db.query(
      `CREATE INDEX delivery_due ON webhooks.delivery (next_attempt_at) WHERE status = 'PENDING'`,
    );
    await db.query(`CREATE INDEX delivery_listed ON webhooks.delivery (created_at DESC, id DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE webhooks.delivery`);
    await db.query(`DROP TABLE webhooks.endpoint`);
  }
}
