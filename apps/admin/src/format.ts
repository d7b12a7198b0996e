/** Money is integer minor units; two decimals for the currencies the demo shop sells in. */
export function money(value: { amount: number; currency: string } | null | undefined): string {
  if (!value) return '–';
  return new Intl.NumberFormat('en', { style: 'currency', currency: value.currency }).format(
    value.amount / 100,
  );
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  return new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

/** Turns "12.34" (what staff type) into minor units; null when it is not an amount. */
export function toMinorUnits(text: string): number | null {
  const match = /^\s*(\d+)(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** The message of an SDK failure, or of userErrors, for a notification. */
export function problem(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
