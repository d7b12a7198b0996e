import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A catalog a merchant can dress: typed attributes (definitions, values per product or
 * variant), media per product and variant, and who may see and buy a product (a minimum
 * age, countries it is not sold to), with the customers' verified ages it is checked against.
 */
export class CatalogAttributesMediaVisibility1767100000000 implements MigrationInterface {
  name = 'CatalogAttributesMediaVisibility1767100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE catalog.attribute (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z0-9_]{0,39}$'),
        name text NOT NULL CHECK (length(name) > 0),
        type text NOT NULL CHECK (type IN ('TEXT', 'NUMBER', 'BOOLEAN', 'ENUM', 'MULTI_ENUM', 'DATE')),
        unit text,
        choices text[] NOT NULL DEFAULT '{}',
        filterable boolean NOT NULL DEFAULT false,
        facetable boolean NOT NULL DEFAULT false,
        visible_on_page boolean NOT NULL DEFAULT true,
        position int NOT NULL DEFAULT 0
      )`);
    // One row per product (variant_id NULL) or variant and attribute; values in canonical text.
    await db.query(`
      CREATE TABLE catalog.attribute_value (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        product_id uuid NOT NULL REFERENCES catalog.product(id),
        variant_id uuid REFERENCES catalog.product_variant(id),
        attribute_id uuid NOT NULL REFERENCES catalog.attribute(id),
        "values" text[] NOT NULL CHECK (cardinality("values") > 0)
      )`);
    await db.query(
      `CREATE UNIQUE INDEX attribute_value_key ON catalog.attribute_value
         (product_id, coalesce(variant_id, '00000000-0000-0000-0000-000000000000'), attribute_id)`,
    );
    await db.query(`
      CREATE TABLE catalog.product_media (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        product_id uuid NOT NULL REFERENCES catalog.product(id),
        variant_id uuid REFERENCES catalog.product_variant(id),
        kind text NOT NULL CHECK (kind IN ('IMAGE', 'VIDEO')),
        url text NOT NULL,
        alt text NOT NULL DEFAULT '',
        position int NOT NULL DEFAULT 0,
        width int CHECK (width > 0),
        height int CHECK (height > 0),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX product_media_product_idx ON catalog.product_media (product_id, position)`,
    );
    await db.query(
      `ALTER TABLE catalog.product
         ADD COLUMN minimum_age int CHECK (minimum_age BETWEEN 1 AND 99),
         ADD COLUMN denied_countries text[] NOT NULL DEFAULT '{}'`,
    );
    // What an age verification provider confirmed of a customer (identity keeps no birth date).
    await db.query(`
      CREATE TABLE catalog.age_claim (
        customer_id text PRIMARY KEY,
        birth_date date NOT NULL,
        provider text NOT NULL,
        reference text NOT NULL,
        verified_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE catalog.age_claim, catalog.product_media, catalog.attribute_value,
      catalog.attribute`);
    await db.query(
      `ALTER TABLE catalog.product DROP COLUMN minimum_age, DROP COLUMN denied_countries`,
    );
  }
}
