/**
 * Which price row applies: pure, so that the rule is tested without a database and is the
 * same for `ProductVariant.price`, `priceTiers`, `Product.priceRange` and `priceQuote`.
 *
 * A row is valid at `at` when `validFrom <= at < validTo` (validTo null = open-ended).
 * Among the rows of the currency's price lists that are valid at `at` and whose
 * `minQuantity <= quantity`, the winner is, in order:
 *   1. the row of the price list with the highest priority (then the lowest list code);
 *   2. the row with the highest minQuantity (the best tier the quantity reaches);
 *   3. a scheduled row (a sale with a validTo) over an open-ended one: most specific wins;
 *   4. the latest validFrom, then the row written last.
 */

export interface PriceCandidate {
  id: string;
  /** Insertion order of the row. */
  seq: number;
  amount: number;
  minQuantity: number;
  validFrom: Date;
  validTo: Date | null;
  scheduled: boolean;
  currency: string;
  listCode: string;
  listPriority: number;
}

export function isValidAt(row: Pick<PriceCandidate, 'validFrom' | 'validTo'>, at: Date): boolean {
  return (
    row.validFrom.getTime() <= at.getTime() &&
    (row.validTo === null || at.getTime() < row.validTo.getTime())
  );
}

/** Negative when `a` wins over `b`. */
function compare(a: PriceCandidate, b: PriceCandidate): number {
  return (
    b.listPriority - a.listPriority ||
    (a.listCode < b.listCode ? -1 : a.listCode > b.listCode ? 1 : 0) ||
    b.minQuantity - a.minQuantity ||
    Number(b.scheduled) - Number(a.scheduled) ||
    b.validFrom.getTime() - a.validFrom.getTime() ||
    b.seq - a.seq
  );
}

/** The row that prices `quantity` units in `currency` at `at`, or null when none does. */
export function effectivePrice<T extends PriceCandidate>(
  rows: readonly T[],
  currency: string,
  quantity: number,
  at: Date,
): T | null {
  let best: T | null = null;
  for (const row of rows) {
    if (row.currency !== currency || row.minQuantity > quantity || !isValidAt(row, at)) continue;
    if (best === null || compare(row, best) < 0) best = row;
  }
  return best;
}

/**
 * The tiers a buyer sees at `at`: for every minQuantity that some valid row starts at,
 * the unit price for that quantity, ascending; a quantity whose winner is the same row
 * as a smaller quantity's is not a tier of its own.
 */
export function priceTiers<T extends PriceCandidate>(
  rows: readonly T[],
  currency: string,
  at: Date,
): { minQuantity: number; row: T }[] {
  const quantities = [
    ...new Set(
      rows.filter((r) => r.currency === currency && isValidAt(r, at)).map((r) => r.minQuantity),
    ),
  ].sort((a, b) => a - b);
  const tiers: { minQuantity: number; row: T }[] = [];
  const seen = new Set<string>();
  for (const minQuantity of quantities) {
    const row = effectivePrice(rows, currency, minQuantity, at);
    if (!row || seen.has(row.id)) continue;
    seen.add(row.id);
    tiers.push({ minQuantity, row });
  }
  return tiers;
}
