import worldCountries from 'world-countries';

/**
 * Where places are, for "nearest warehouse" questions: each country's centroid from the
 * `world-countries` package (mledoze/countries, ODbL; its `latlng`), never typed by hand.
 * The package has no centroids for ISO 3166-2 regions, so a region lies at its country's
 * centroid; only "same region" is finer (distance 0). Pure: plain values in and out.
 */
export interface GeoPoint {
  latitude: number;
  longitude: number;
}

export interface Place {
  country: string;
  region?: string | null;
}

let centroids: Map<string, GeoPoint> | null = null;

/** The centroid of an ISO 3166-1 alpha-2 country; null when the package does not know it. */
export function countryCentroid(code: string): GeoPoint | null {
  centroids ??= new Map(
    worldCountries
      .filter((c) => c.cca2 && c.latlng.length === 2)
      .map((c) => [c.cca2, { latitude: c.latlng[0]!, longitude: c.latlng[1]! }]),
  );
  return centroids.get(code.toUpperCase()) ?? null;
}

const EARTH_RADIUS_KM = 6371;

/** Great-circle distance (haversine), in kilometres. */
export function greatCircleKm(a: GeoPoint, b: GeoPoint): number {
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const dLat = rad(b.latitude - a.latitude);
  const dLon = rad(b.longitude - a.longitude);
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Kilometres between two places, or null when either country is unknown. */
export function placeDistanceKm(from: Place, to: Place): number | null {
  const a = countryCentroid(from.country);
  const b = countryCentroid(to.country);
  if (!a || !b) return null;
  const sameRegion =
    from.country.toUpperCase() === to.country.toUpperCase() &&
    !!from.region &&
    !!to.region &&
    from.region.toUpperCase() === to.region.toUpperCase();
  return sameRegion ? 0 : Math.round(greatCircleKm(a, b));
}
