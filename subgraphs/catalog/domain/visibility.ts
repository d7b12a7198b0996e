import { DomainError } from '../../../platform/errors';
import { CatalogErrorCode } from '../errors';

/** Why a product cannot be sold to this shopper; null: it can. */
export type SaleRestriction = 'AGE_RESTRICTED' | 'COUNTRY_DENIED';

export interface VisibilityRules {
  minimumAge: number | null;
  deniedCountries: string[];
}

export interface Shopper {
  /** ISO 3166-1 alpha-2; null: not known (country rules are then checked at the cart). */
  country: string | null;
  /** Whole years from a verified birth date; null: unknown, so no age-restricted product. */
  age: number | null;
}

/** Whole years between a birth date (YYYY-MM-DD) and `today`: the birthday itself counts. */
export function ageOn(birthDate: string, today: Date): number {
  const [year, month, day] = birthDate.split('-').map(Number) as [number, number, number];
  let age = today.getUTCFullYear() - year;
  const beforeBirthday =
    today.getUTCMonth() + 1 < month ||
    (today.getUTCMonth() + 1 === month && today.getUTCDate() < day);
  if (beforeBirthday) age -= 1;
  return age;
}

export function saleRestriction(rules: VisibilityRules, shopper: Shopper): SaleRestriction | null {
  if (rules.minimumAge !== null && (shopper.age === null || shopper.age < rules.minimumAge))
    return 'AGE_RESTRICTED';
  if (shopper.country && rules.deniedCountries.includes(shopper.country)) return 'COUNTRY_DENIED';
  return null;
}

export function checkMinimumAge(value: number | null): number | null {
  if (value === null) return null;
  if (!Number.isInteger(value) || value < 1 || value > 99)
    throw new DomainError(CatalogErrorCode.INVALID_AGE, 'minimumAge is 1 to 99 years', [
      'minimumAge',
    ]);
  return value;
}

export function checkCountryCode(value: string, field: string[]): string {
  if (!/^[A-Za-z]{2}$/.test(value))
    throw new DomainError(
      CatalogErrorCode.INVALID_COUNTRY,
      'A country is an ISO 3166-1 alpha-2 code',
      field,
    );
  return value.toUpperCase();
}

export function checkCountries(values: string[]): string[] {
  if (values.length > 250)
    throw new DomainError(CatalogErrorCode.INVALID_COUNTRY, 'At most 250 countries', [
      'deniedCountries',
    ]);
  return [
    ...new Set(
      values.map((value, index) => checkCountryCode(value, ['deniedCountries', String(index)])),
    ),
  ].sort();
}
