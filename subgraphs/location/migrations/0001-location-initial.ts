import type { MigrationInterface, QueryRunner } from 'typeorm';
import { seedReferenceLocations } from '../domain/seed';

export class LocationInitial1764600000000 implements MigrationInterface {
  name = 'LocationInitial1764600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SCHEMA IF NOT EXISTS location`);
    await db.query(`
      CREATE TABLE location.location (
        id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('COUNTRY', 'REGION', 'CITY', 'ZONE')),
        code text CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        country_code char(2) NOT NULL CHECK (country_code ~ '^[A-Z]{2}$'),
        parent_id uuid REFERENCES location.location(id),
        seeded boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((kind = 'COUNTRY') = (parent_id IS NULL)),
        CHECK (seeded = (kind IN ('COUNTRY', 'REGION')))
      )`);
    await db.query(
      `CREATE UNIQUE INDEX location_iso_code_key ON location.location (code) WHERE seeded`,
    );
    // A code staff give a city or zone names it among its siblings.
    await db.query(`
      CREATE UNIQUE INDEX location_child_code_key ON location.location (parent_id, code)
        WHERE NOT seeded AND code IS NOT NULL`);
    await db.query(`CREATE INDEX location_parent_idx ON location.location (parent_id, name)`);
    await seedReferenceLocations(db);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP SCHEMA location CASCADE`);
  }
}
