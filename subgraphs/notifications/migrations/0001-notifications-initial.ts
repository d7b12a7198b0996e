import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications' own schema: what it was told about each order (its contact, from orders'
 * confirmed event, so that later events about the order can be mailed), and the delivery
 * queue. A delivery is one email for one (event, recipient): the unique key makes a
 * redelivered event enqueue nothing, whatever path it came by.
 */
export class NotificationsInitial1767200000000 implements MigrationInterface {
  name = 'NotificationsInitial1767200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SCHEMA IF NOT EXISTS notifications`);
    await db.query(`
      CREATE TABLE notifications.order_contact (
        order_id uuid PRIMARY KEY,
        order_number bigint,
        customer_id text,
        email text NOT NULL,
        name text NOT NULL,
        locale text NOT NULL,
        currency char(3) NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE notifications.delivery (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        event_id text NOT NULL,
        topic text NOT NULL,
        template text NOT NULL,
        recipient text NOT NULL,
        locale text NOT NULL,
        order_id uuid,
        subject text NOT NULL,
        text_body text NOT NULL,
        html_body text NOT NULL,
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT', 'DEAD')),
        attempts int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        message_id text,
        -- Milliseconds, as JavaScript keeps them: the staff list's cursor is (created_at, id).
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        sent_at timestamptz,
        CONSTRAINT delivery_once UNIQUE (event_id, recipient)
      )`);
    // The sender's scan: due deliveries, oldest first.
    await db.query(
      `CREATE INDEX delivery_due_idx ON notifications.delivery (next_attempt_at)
       WHERE status = 'PENDING'`,
    );
    await db.query(
      `CREATE INDEX delivery_status_idx ON notifications.delivery (status, created_at DESC, id DESC)`,
    );
    await db.query(`CREATE INDEX delivery_order_idx ON notifications.delivery (order_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP SCHEMA notifications CASCADE`);
  }
}
