import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PricingInitial1764100000000 implements MigrationInterface {
  name = 'PricingInitial1764100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SCHEMA IF NOT EXISTS pricing`);
    await db.query(`
      CREATE TABLE pricing.currency (
        code char(3) PRIMARY KEY CHECK (code ~ '^[A-Z]{3}$'),
        name text NOT NULL CHECK (length(name) > 0),
        minor_units int NOT NULL CHECK (minor_units BETWEEN 0 AND 4)
      )`);
    // Reference data, not demo data: every installation prices in these.
    await db.query(`
      INSERT INTO pricing.currency (code, name, minor_units) VALUES
        ('EUR', 'Euro', 2), ('USD', 'US Dollar', 2), ('GBP', 'Pound Sterling', 2)`);
    await db.query(`
      CREATE TABLE pricing.price_list (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'),
        currency char(3) NOT NULL REFERENCES pricing.currency(code),
        tax_inclusive boolean NOT NULL,
        priority int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX price_list_currency_idx ON pricing.price_list (currency, priority DESC)`,
    );
    await db.query(`
      CREATE TABLE pricing.price (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        price_list_id uuid NOT NULL REFERENCES pricing.price_list(id),
        variant_id uuid NOT NULL,
        sku text NOT NULL CHECK (length(sku) > 0),
        amount bigint NOT NULL CHECK (amount >= 0),
        min_quantity int NOT NULL DEFAULT 1 CHECK (min_quantity >= 1),
        valid_from timestamptz NOT NULL DEFAULT now(),
        valid_to timestamptz,
        scheduled boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- A superseded future price is closed at its own start: an empty window, kept as history.
        CHECK (valid_to IS NULL OR valid_to >= valid_from),
        CHECK (NOT scheduled OR valid_to IS NOT NULL)
      )`);
    // At most one open-ended price per (list, variant, tier); priceSet closes the old one first.
    await db.query(`
      CREATE UNIQUE INDEX price_open_key ON pricing.price (price_list_id, variant_id, min_quantity)
        WHERE valid_to IS NULL`);
    await db.query(`CREATE INDEX price_variant_idx ON pricing.price (variant_id, valid_to)`);
    await db.query(`
      CREATE TABLE pricing.tax_rule (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        country char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
        region text CHECK (region ~ '^[A-Z]{2}-[A-Z0-9]{1,3}$' AND left(region, 2) = country),
        rate_basis_points int NOT NULL CHECK (rate_basis_points BETWEEN 0 AND 10000),
        name text NOT NULL CHECK (length(name) > 0),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE UNIQUE INDEX tax_rule_location_key ON pricing.tax_rule (country, (coalesce(region, '')))`,
    );
    await db.query(`
      CREATE TABLE pricing.shipping_rate (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        country char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
        currency char(3) NOT NULL REFERENCES pricing.currency(code),
        amount bigint NOT NULL CHECK (amount >= 0),
        free_over bigint CHECK (free_over >= 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT shipping_rate_country_currency_key UNIQUE (country, currency)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP SCHEMA pricing CASCADE`);
  }
}
