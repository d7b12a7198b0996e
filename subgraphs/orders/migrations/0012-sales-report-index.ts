import type { MigrationInterface, QueryRunner } from 'typeorm';

/** salesReport reads orders by currency and placing time: without it, every order is read. */
export class OrdersSalesReportIndex1767700000000 implements MigrationInterface {
  name = 'OrdersSalesReportIndex1767700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE INDEX customer_order_sales_idx ON orders.customer_order (currency, created_at)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX orders.customer_order_sales_idx`);
  }
}
