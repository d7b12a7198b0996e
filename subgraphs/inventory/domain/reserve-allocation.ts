import { DomainError } from '../../../platform/errors';
import { InventoryErrorCode } from '../errors';

interface Stock {
  id: string;
  sku: string;
  onHand: number;
  reserved: number;
}

/**
 * Splits each line over the items of its SKU, most available first; all or nothing,
 * except that what a backorderable SKU lacks is owed (backordered) instead of refused.
 * `backorderable` is asked only about SKUs short of stock, so that a checkout with enough
 * stock (nearly all of them) does not read the policies while it holds the items' locks.
 */
export async function allocate(
  lines: { sku: string; quantity: number }[],
  items: Stock[],
  backorderable: (skus: string[]) => Promise<Set<string>>,
): Promise<{ allocated: Map<string, number>; backordered: Map<string, number> }> {
  const short = [...new Set(lines.map((line) => line.sku))].filter((sku) => {
    const wanted = lines.filter((l) => l.sku === sku).reduce((sum, l) => sum + l.quantity, 0);
    const free = items
      .filter((item) => item.sku === sku)
      .reduce((sum, item) => sum + Math.max(0, item.onHand - item.reserved), 0);
    return wanted > free;
  });
  const mayOwe = short.length ? await backorderable(short) : new Set<string>();
  const backordered = new Map<string, number>();
  const available = new Map(items.map((item) => [item.id, item.onHand - item.reserved]));
  const allocated = new Map<string, number>();
  for (const [index, line] of lines.entries()) {
    const candidates = items
      .filter((item) => item.sku === line.sku && available.get(item.id)! > 0)
      .sort((a, b) => available.get(b.id)! - available.get(a.id)! || a.id.localeCompare(b.id));
    let missing = line.quantity;
    for (const item of candidates) {
      if (missing === 0) break;
      const take = Math.min(missing, available.get(item.id)!);
      available.set(item.id, available.get(item.id)! - take);
      allocated.set(item.id, (allocated.get(item.id) ?? 0) + take);
      missing -= take;
    }
    if (missing > 0 && mayOwe.has(line.sku)) {
      backordered.set(line.sku, (backordered.get(line.sku) ?? 0) + missing);
    } else if (missing > 0) {
      throw new DomainError(
        InventoryErrorCode.INSUFFICIENT_STOCK,
        `Not enough stock of ${line.sku}: ${line.quantity} requested, ${line.quantity - missing} available`,
        ['lines', String(index)],
      );
    }
  }
  return { allocated, backordered };
}
