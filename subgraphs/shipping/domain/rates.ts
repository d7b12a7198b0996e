/**
 * Shipping rate bands, apart from I/O: a method prices a parcel by one basis (order value
 * in minor units, weight in grams, or item count); its bands per currency are half-open
 * ranges [from, to) and the first that holds the measure gives the price. A free-over
 * threshold (order value, same currency) makes it 0.
 */
export type RateBasis = 'ORDER_VALUE' | 'WEIGHT' | 'ITEM_COUNT';

export interface RateBand {
  currency: string;
  /** Inclusive lower bound of the measure. */
  from: number;
  /** Exclusive upper bound; null: no upper bound. */
  to: number | null;
  /** Minor units of `currency`. */
  price: number;
  /** Order value (minor units) at or above which shipping is free; null: never. */
  freeOver: number | null;
}

export interface Parcel {
  currency: string;
  orderValue: number;
  weightGrams: number;
  itemCount: number;
}

export interface Priced {
  price: number;
  free: boolean;
}

export function measureOf(basis: RateBasis, parcel: Parcel): number {
  if (basis === 'ORDER_VALUE') return parcel.orderValue;
  if (basis === 'WEIGHT') return parcel.weightGrams;
  return parcel.itemCount;
}

/** The price of `parcel` by these bands, or null when no band of its currency holds it. */
export function priceParcel(
  basis: RateBasis,
  bands: readonly RateBand[],
  parcel: Parcel,
): Priced | null {
  const measure = measureOf(basis, parcel);
  const band = bands.find(
    (b) => b.currency === parcel.currency && measure >= b.from && (b.to === null || measure < b.to),
  );
  if (!band) return null;
  if (band.freeOver !== null && parcel.orderValue >= band.freeOver) return { price: 0, free: true };
  return { price: band.price, free: band.price === 0 };
}

export interface ZoneRule {
  countries: readonly string[];
  /** ISO 3166-2 codes (US-CA); a zone with regions serves only those regions of its countries. */
  regions: readonly string[];
}

/** Whether a zone serves a destination; region-specific zones win over country-wide ones. */
export function zoneServes(zone: ZoneRule, country: string, region: string | null): number {
  if (!zone.countries.includes(country)) return 0;
  const ofCountry = zone.regions.filter((r) => r.startsWith(`${country}-`));
  if (ofCountry.length === 0) return 1;
  if (region === null) return 0;
  const code = region.includes('-') ? region : `${country}-${region}`;
  return ofCountry.includes(code.toUpperCase()) ? 2 : 0;
}

/** The zones that serve a destination, the most specific only (regional before national). */
export function servingZones<Z extends ZoneRule>(
  zones: readonly Z[],
  country: string,
  region: string | null,
): Z[] {
  const scored = zones.map((z) => ({ z, score: zoneServes(z, country, region) }));
  const best = Math.max(0, ...scored.map((s) => s.score));
  return best === 0 ? [] : scored.filter((s) => s.score === best).map((s) => s.z);
}
