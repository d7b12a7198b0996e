import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Catalog's attributes (facets `attr:<code>`) and visibility rules in the index, category
 * parents in the labels (the category facet's names), and the
 * customers' verified birth dates catalog announced: what age-restricted products are
 * checked against, without asking catalog on every search.
 */
export class SearchVisibilityAttributes1767100000001 implements MigrationInterface {
  name = 'SearchVisibilityAttributes1767100000001';

  async up(db: QueryRunner): Promise<void> {
    // A fresh database has them already (0001 creates the table from today's shape).
    await db.query(
      `ALTER TABLE search.document
         ADD COLUMN IF NOT EXISTS attributes text[] NOT NULL DEFAULT '{}',
         ADD COLUMN IF NOT EXISTS min_age int,
         ADD COLUMN IF NOT EXISTS denied_countries text[] NOT NULL DEFAULT '{}'`,
    );
    // Category facets take names and parents from here (filled again by a reindex).
    await db.query(`ALTER TABLE search.label ADD COLUMN parent_id uuid`);
    await db.query(`
      CREATE TABLE search.customer_age (
        customer_id text PRIMARY KEY,
        birth_date date NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE search.customer_age`);
    await db.query(`ALTER TABLE search.label DROP COLUMN parent_id`);
    await db.query(
      `ALTER TABLE search.document DROP COLUMN attributes, DROP COLUMN min_age,
         DROP COLUMN denied_countries`,
    );
  }
}
