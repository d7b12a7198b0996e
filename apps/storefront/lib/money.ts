export interface Money {
  amount: number;
  currency: string;
}

/** How many minor units a currency has (EUR 2, JPY 0). */
export function minorDigits(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits ?? 2
  );
}

/** Minor units as a decimal string (EUR 1999 → "19.99"), as schema.org offers want it. */
export function toDecimal(money: Money): string {
  const digits = minorDigits(money.currency);
  return (money.amount / 10 ** digits).toFixed(digits);
}

/** Minor units as the shopper reads them (EUR 1999 → €19.99). */
export function formatMoney(money: Money | null | undefined, locale = 'en'): string {
  if (!money) return '—';
  return new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency }).format(
    money.amount / 10 ** minorDigits(money.currency),
  );
}
