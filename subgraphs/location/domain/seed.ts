import { uuidFromName } from '../../../platform/ids';
import { loadReferenceData } from './reference-data';

/** The id of a seeded location (a country or an ISO 3166-2 subdivision), the same in every database. */
export function seededLocationId(isoCode: string): string {
  return uuidFromName(`location:${isoCode}`);
}

/**
 * Countries and their subdivisions into the tree, from the data packages. Idempotent: a
 * second run changes nothing, a newer package renames what it renamed and adds what it
 * added. One statement: PostgreSQL checks the parent references at its end.
 */
export async function seedReferenceLocations(db: {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}): Promise<void> {
  const data = await loadReferenceData();
  const rows: [string, string, string, string, string, string | null][] = [];
  for (const country of data.countries) {
    rows.push([
      seededLocationId(country.code),
      'COUNTRY',
      country.code,
      country.name,
      country.code,
      null,
    ]);
    for (const s of country.subdivisions) {
      const parent = seededLocationId(s.parentCode ?? country.code);
      rows.push([seededLocationId(s.code), 'REGION', s.code, s.name, country.code, parent]);
    }
  }
  const column = (i: number) => rows.map((row) => row[i]);
  await db.query(
    `INSERT INTO location.location (id, kind, code, name, country_code, parent_id, seeded)
     SELECT id, kind, code, name, country_code, parent_id, true
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[])
         AS s(id, kind, code, name, country_code, parent_id)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, parent_id = EXCLUDED.parent_id,
       updated_at = now()
     WHERE location.location.name <> EXCLUDED.name
        OR location.location.parent_id IS DISTINCT FROM EXCLUDED.parent_id`,
    [column(0), column(1), column(2), column(3), column(4), column(5)],
  );
}
