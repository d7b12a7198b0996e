/** The countries the demo shop ships to (subgraphs/shipping/domain/demo.ts). */
export const COUNTRIES: { code: string; name: string }[] = [
  { code: 'DE', name: 'Germany' },
  { code: 'FR', name: 'France' },
  { code: 'NL', name: 'Netherlands' },
  { code: 'GB', name: 'United Kingdom' },
  { code: 'US', name: 'United States' },
];

export function countryOrDefault(code: string | undefined): string {
  const upper = (code ?? '').toUpperCase();
  return COUNTRIES.some((c) => c.code === upper) ? upper : 'DE';
}
