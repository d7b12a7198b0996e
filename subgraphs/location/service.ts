import type { DataSource } from 'typeorm';
import { type AddressInput, type AddressValidation, validateAddress } from './domain/address-rules';
import {
  type AddressField,
  type CountryInfo,
  loadReferenceData,
  type ReferenceData,
} from './domain/reference-data';
import { LocationTree } from './domain/tree';

export type { AddressInput, AddressValidation, NormalizedAddress } from './domain/address-rules';
export type { AddressField, CountryInfo, Subdivision } from './domain/reference-data';
export type { LocationCreateInput, LocationUpdateInput } from './domain/tree';
export { seededLocationId } from './domain/seed';

/**
 * Location's entry point: the country reference data (read from the data packages once per
 * process), the address rules on it, and the location tree in PostgreSQL.
 */
export class LocationService {
  readonly tree: LocationTree;

  constructor(db: DataSource) {
    this.tree = new LocationTree(db);
  }

  reference(): Promise<ReferenceData> {
    return loadReferenceData();
  }

  async countries(): Promise<CountryInfo[]> {
    return (await loadReferenceData()).countries;
  }

  async country(code: string): Promise<CountryInfo | null> {
    const normalized = code.trim().toUpperCase();
    if (!/^[A-Z]{2}$/.test(normalized)) return null;
    return (await loadReferenceData()).country(normalized);
  }

  async validateAddress(
    input: AddressInput,
    alsoRequired: readonly AddressField[] = [],
  ): Promise<AddressValidation> {
    return validateAddress(await loadReferenceData(), input, alsoRequired);
  }
}
