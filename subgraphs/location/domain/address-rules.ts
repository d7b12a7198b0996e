import { postcodeValidator, postcodeValidatorExistsForCountry } from 'postcode-validator';
import type { UserError } from '../../../platform/errors';
import { LocationErrorCode } from '../errors';
import type { AddressField, CountryInfo, ReferenceData } from './reference-data';

/**
 * The address rules, pure: plain values in, a normalised address or field-level errors
 * out. Every problem is reported (a form shows them all at once), each on its field
 * under ["input", ...].
 */

export interface AddressInput {
  name?: string | null;
  company?: string | null;
  line1?: string | null;
  line2?: string | null;
  city?: string | null;
  region?: string | null;
  postalCode?: string | null;
  country?: string | null;
  phone?: string | null;
}

export interface NormalizedAddress {
  name: string | null;
  company: string | null;
  line1: string | null;
  line2: string | null;
  city: string | null;
  /** The ISO 3166-2 subdivision code after the country (CA for US-CA) when the region is one. */
  region: string | null;
  regionName: string | null;
  postalCode: string | null;
  country: string;
  phone: string | null;
}

export interface AddressValidation {
  /** Null when there is any error: nothing half-checked is handed on. */
  address: NormalizedAddress | null;
  userErrors: UserError[];
}

type TextField = Exclude<keyof AddressInput, 'country'>;

const MAX_LENGTH: Record<TextField, number> = {
  name: 200,
  company: 200,
  line1: 200,
  line2: 200,
  city: 100,
  region: 100,
  postalCode: 16,
  phone: 32,
};

const FIELD_KEY: Record<AddressField, keyof AddressInput> = {
  NAME: 'name',
  COMPANY: 'company',
  LINE1: 'line1',
  LINE2: 'line2',
  CITY: 'city',
  REGION: 'region',
  POSTAL_CODE: 'postalCode',
  COUNTRY: 'country',
  PHONE: 'phone',
};

/** The key order errors are reported in: the order of an address form. */
const ORDER: (keyof AddressInput)[] = [
  'name',
  'company',
  'line1',
  'line2',
  'city',
  'region',
  'postalCode',
  'country',
  'phone',
];

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
const PHONE = /^\+?[0-9 ()./-]{4,24}$/;

export function validateAddress(
  data: ReferenceData,
  input: AddressInput,
  alsoRequired: readonly AddressField[] = [],
): AddressValidation {
  const errors = new Map<keyof AddressInput, UserError>();
  const fail = (key: keyof AddressInput, code: string, message: string) => {
    if (!errors.has(key)) errors.set(key, { field: ['input', key], message, code });
  };
  const value: Record<TextField, string | null> = {} as never;
  for (const key of Object.keys(MAX_LENGTH) as TextField[]) {
    const raw = input[key];
    const trimmed = typeof raw === 'string' ? raw.trim().replace(/[ \t]+/g, ' ') : '';
    value[key] = trimmed === '' ? null : trimmed;
    if (trimmed === '') continue;
    if (CONTROL.test(trimmed)) {
      fail(
        key,
        LocationErrorCode.INVALID_TEXT,
        'Must not contain control characters or line breaks',
      );
    } else if (trimmed.length > MAX_LENGTH[key]) {
      fail(key, LocationErrorCode.TOO_LONG, `Must be at most ${MAX_LENGTH[key]} characters`);
    }
  }
  const countryCode = (input.country ?? '').trim().toUpperCase();
  const country = /^[A-Z]{2}$/.test(countryCode) ? data.country(countryCode) : null;
  if (!countryCode) fail('country', LocationErrorCode.REQUIRED, 'A country is required');
  else if (!country) {
    fail('country', LocationErrorCode.COUNTRY_UNKNOWN, 'Not a known ISO 3166-1 country code');
  }

  const required = new Set<AddressField>([...(country?.requiredFields ?? []), ...alsoRequired]);
  for (const field of required) {
    const key = FIELD_KEY[field];
    if (key !== 'country' && value[key] === null) {
      fail(key, LocationErrorCode.REQUIRED, `Required${country ? ` in ${country.code}` : ''}`);
    }
  }
  if (value.phone !== null && !PHONE.test(value.phone)) {
    fail(
      'phone',
      LocationErrorCode.PHONE_INVALID,
      'A phone number is digits, spaces and + ( ) - . / only',
    );
  }

  let regionName: string | null = null;
  if (country && value.region !== null && !errors.has('region')) {
    const subdivision = data.findRegion(country.code, value.region);
    if (subdivision) {
      value.region = subdivision.regionCode;
      regionName = subdivision.name;
    } else if (country.usesRegion && country.subdivisions.length > 0) {
      const example = country.subdivisions[0]!.regionCode;
      fail(
        'region',
        LocationErrorCode.REGION_UNKNOWN,
        `Not a region of ${country.code} (e.g. ${example})`,
      );
    }
  }
  if (country && value.postalCode !== null && !errors.has('postalCode') && country.hasPostalCode) {
    const formatted = formatPostalCode(country, value.postalCode);
    if (formatted) value.postalCode = formatted;
    else {
      const example = country.postalCodeExamples[0];
      fail(
        'postalCode',
        LocationErrorCode.POSTAL_CODE_INVALID,
        `Not a postal code of ${country.code}${example ? ` (e.g. ${example})` : ''}`,
      );
    }
  }

  const userErrors = ORDER.flatMap((key) => (errors.has(key) ? [errors.get(key)!] : []));
  if (userErrors.length > 0 || !country) return { address: null, userErrors };
  return { address: { ...value, country: country.code, regionName }, userErrors };
}

/** Whether `code` has the country's form: postcode-validator where it knows the country, else Google's pattern. */
function isPostalCodeOf(country: CountryInfo, code: string): boolean {
  if (postcodeValidatorExistsForCountry(country.code)) return postcodeValidator(code, country.code);
  if (country.postalCodePattern) return new RegExp(`^(?:${country.postalCodePattern})$`).test(code);
  return true;
}

/**
 * The postal code as the country writes it (upper case; "sw1a1aa" → "SW1A 1AA" where the
 * country's examples have a separator there), or null if it is not of the country's form.
 */
export function formatPostalCode(country: CountryInfo, raw: string): string | null {
  const code = raw.toUpperCase().replace(/\s+/g, ' ');
  const example = country.postalCodeExamples[0];
  const separator = example?.match(/[ -]/);
  if (example && separator && !code.includes(separator[0])) {
    const fromEnd = example.length - separator.index!;
    const compact = code.replace(/[ -]/g, '');
    if (compact.length > fromEnd - 1) {
      const cut = compact.length - (fromEnd - 1);
      const spaced = `${compact.slice(0, cut)}${separator[0]}${compact.slice(cut)}`;
      if (isPostalCodeOf(country, spaced)) return spaced;
    }
  }
  return isPostalCodeOf(country, code) ? code : null;
}
