import { Column, Entity, PrimaryColumn } from 'typeorm';

export type LocationKind = 'COUNTRY' | 'REGION' | 'CITY' | 'ZONE';

/**
 * A node of the location tree: countries and their ISO 3166-2 subdivisions (seeded from
 * the data packages, ids derived from their codes so every database agrees), and the
 * cities and zones staff add under them. Warehouses and shipping zones keep its id.
 */
@Entity({ name: 'location' })
export class LocationRow {
  @PrimaryColumn('uuid') id: string;
  @Column({ type: 'text' }) kind: LocationKind;
  @Column({ type: 'text', nullable: true }) code: string | null;
  @Column({ type: 'text' }) name: string;
  @Column({ name: 'country_code', type: 'char', length: 2 }) countryCode: string;
  @Column({ name: 'parent_id', type: 'uuid', nullable: true }) parentId: string | null;
  /** From the data packages: fixed, only a newer package changes it. */
  @Column({ type: 'boolean', default: false }) seeded: boolean;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}

export const locationEntities = [LocationRow];
