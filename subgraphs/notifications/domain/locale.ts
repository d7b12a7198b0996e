/** The languages notifications has templates in. */
export const LOCALES = ['en', 'de', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];

const BY_COUNTRY: Record<string, Locale> = {
  DE: 'de',
  AT: 'de',
  CH: 'de',
  LI: 'de',
  FR: 'fr',
  BE: 'fr',
  LU: 'fr',
  MC: 'fr',
};

/**
 * The customer's language as far as notifications can know it. Identity keeps no locale
 * on a customer yet, so an explicit one (a future `locale` on the event) wins, then the
 * country the order ships to, then the shop's default.
 */
export function localeFor(
  hints: { locale?: string | null; country?: string | null },
  fallback: Locale,
): Locale {
  const explicit = hints.locale?.slice(0, 2).toLowerCase();
  if (explicit && (LOCALES as readonly string[]).includes(explicit)) return explicit as Locale;
  return BY_COUNTRY[hints.country?.toUpperCase() ?? ''] ?? fallback;
}
