import type { EntityManager } from 'typeorm';
import { OrderLineRow, type PreviewLineValue } from '../../entities';

/**
 * New lines of an order after the sale (an exchange's replacement, a claim's reship),
 * after its last line; their ids are returned in order. Fulfillment ships them as it ships
 * any line, from `orders.order.changed`.
 */
export async function appendLines(
  tx: EntityManager,
  orderId: string,
  lines: PreviewLineValue[],
): Promise<string[]> {
  const repository = tx.getRepository(OrderLineRow);
  const existing = await repository.findBy({ orderId });
  let position = Math.max(-1, ...existing.map((l) => l.position));
  const ids: string[] = [];
  for (const line of lines) {
    const row = await repository.save(
      repository.create({
        orderId,
        position: (position += 1),
        variantId: line.variantId,
        sku: line.sku,
        productName: line.productName,
        variantTitle: line.variantTitle,
        quantity: line.quantity,
        unitPriceAmount: line.unitPrice,
        discountAmount: line.discount,
        taxAmount: line.tax,
        lineTotalAmount: line.lineTotal,
      }),
    );
    ids.push(row.id);
  }
  return ids;
}
