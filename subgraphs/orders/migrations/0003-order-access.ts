import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The key that signs guest order-status links (order access tokens). Generated once per
 * database so links survive restarts; ORDER_ACCESS_SECRET overrides it.
 */
export class OrdersOrderAccess1764400000000 implements MigrationInterface {
  name = 'OrdersOrderAccess1764400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE orders.secret (name text PRIMARY KEY, value text NOT NULL)`);
    await db.query(
      `INSERT INTO orders.secret (name, value)
       VALUES ('order_access', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE orders.secret`);
  }
}
