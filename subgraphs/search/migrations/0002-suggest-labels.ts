import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Brand and category names of visible products, accents folded: what type-ahead suggests
 * besides product names, found by prefix in an index instead of unnesting every document.
 */
export class SearchSuggestLabels1765100000001 implements MigrationInterface {
  name = 'SearchSuggestLabels1765100000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE search.label (
        kind text NOT NULL CHECK (kind IN ('BRAND', 'CATEGORY')),
        id uuid NOT NULL,
        name text NOT NULL,
        name_norm text NOT NULL,
        PRIMARY KEY (kind, id)
      )`);
    await db.query(`CREATE INDEX label_prefix_idx ON search.label ((name_norm COLLATE "C"))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE search.label`);
  }
}
