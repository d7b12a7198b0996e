import type { DataSource } from 'typeorm';
import { DEMO_ZONES } from './domain/demo';

/** The demo shop's zones, methods and rates (domain/demo.ts); false when they were there. */
export async function seedShipping(dataSource: DataSource): Promise<boolean> {
  return dataSource.transaction(async (tx) => {
    let seeded = false;
    for (const zone of DEMO_ZONES) {
      const [row]: { id: string }[] = await tx.query(
        `INSERT INTO shipping.zone (name, countries, regions) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO NOTHING RETURNING id`,
        [zone.name, zone.countries, zone.regions],
      );
      if (!row) continue;
      seeded = true;
      for (const m of zone.methods) {
        await tx.query(
          `INSERT INTO shipping.method (zone_id, name, kind, carrier, basis, rates)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [row.id, m.name, m.kind, m.carrier, m.basis, JSON.stringify(m.rates)],
        );
      }
    }
    return seeded;
  });
}
