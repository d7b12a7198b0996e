import type { PriceQuote } from '../clients/index';

/**
 * A first look pricing gave for a cart's lines (unit prices, the subtotal): what the
 * quote's shipping bands and promotions are asked with before pricing taxes the result.
 */
export interface PricedLines {
  currency: string;
  subtotal: number;
  lines: { variantId: string; quantity: number; unitPrice: number }[];
}

type Line = { variantId: string; quantity: number; unitPrice?: number | null };

/** What to keep of pricing's answer for these lines; null when the cart will not hold them as asked. */
export function pricedLinesOf(
  currency: string,
  lines: Line[],
  answer: Pick<PriceQuote, 'subtotal' | 'lines'>,
): PricedLines | null {
  // A variant asked twice becomes one line of the summed quantity: priced differently.
  if (new Set(lines.map((l) => l.variantId)).size !== lines.length) return null;
  return {
    currency,
    subtotal: answer.subtotal,
    lines: answer.lines.map(({ variantId, quantity, unitPrice }) => ({
      variantId,
      quantity,
      unitPrice,
    })),
  };
}

/**
 * The kept look, in the order of `lines`, if it was made for exactly these lines (same
 * variants and quantities, none at staff's price) in this currency; else null.
 */
export function pricedLinesFor(
  kept: PricedLines | null | undefined,
  currency: string,
  lines: Line[],
): PricedLines | null {
  if (!kept || kept.currency !== currency || kept.lines.length !== lines.length) return null;
  const byVariant = new Map(kept.lines.map((l) => [l.variantId, l]));
  const ordered: PricedLines['lines'] = [];
  for (const line of lines) {
    const priced = byVariant.get(line.variantId);
    if (!priced || priced.quantity !== line.quantity || line.unitPrice != null) return null;
    ordered.push(priced);
  }
  return { ...kept, lines: ordered };
}

/**
 * Whether the final quote priced every line as the kept look did: pricing re-prices each
 * line from its lists on every quote (unit prices depend on variant, quantity, currency and
 * time only, not on discounts, shipping or destination), so equal unit prices prove the
 * look was what pricing says now, and shipping and promotions were asked with current prices.
 */
export function stillPriced(kept: PricedLines, final: Pick<PriceQuote, 'subtotal' | 'lines'>) {
  return (
    final.subtotal === kept.subtotal &&
    final.lines.length === kept.lines.length &&
    final.lines.every(
      (l, i) =>
        l.variantId === kept.lines[i]!.variantId &&
        l.quantity === kept.lines[i]!.quantity &&
        l.unitPrice === kept.lines[i]!.unitPrice,
    )
  );
}
