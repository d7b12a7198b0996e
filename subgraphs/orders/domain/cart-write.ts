import type { EntityManager } from 'typeorm';
import { CartLineRow, CartRow } from '../entities';
import type { PricedLines } from './priced-lines';
import { jsonb, rowOf } from '../../../platform/sql-rows';

export interface NewCartLine {
  variantId: string;
  sku: string;
  productName: string;
  variantTitle: string;
  quantity: number;
}

/**
 * A new cart and its lines in one statement (one round trip, atomic without a
 * transaction), both read from RETURNING: the lines in the order given (their `seq`).
 */
export async function insertCart(
  manager: EntityManager,
  cart: { currency: string; customerId: string | null; pricedLines: PricedLines | null },
  lines: NewCartLine[],
): Promise<{ cart: CartRow; lines: CartLineRow[] }> {
  const column = <K extends keyof NewCartLine>(key: K) => lines.map((line) => line[key]);
  const [row]: { cart: Record<string, unknown>; lines: Record<string, unknown>[] }[] =
    await manager.query(
      `WITH cart AS (
         INSERT INTO orders.cart (currency, customer_id, priced_lines)
         VALUES ($1, $2, $3::jsonb) RETURNING *
       ), lines AS (
         INSERT INTO orders.cart_line (cart_id, variant_id, sku, product_name, variant_title, quantity)
         SELECT cart.id, l.variant_id, l.sku, l.product_name, l.variant_title, l.quantity
           FROM cart,
                unnest($4::uuid[], $5::text[], $6::text[], $7::text[], $8::int[])
                  WITH ORDINALITY AS l(variant_id, sku, product_name, variant_title, quantity, ord)
          ORDER BY l.ord
         RETURNING *
       )
       SELECT (SELECT to_jsonb(cart) FROM cart) AS cart,
              (SELECT coalesce(jsonb_agg(to_jsonb(lines) ORDER BY lines.seq), '[]') FROM lines) AS lines`,
      [
        cart.currency,
        cart.customerId,
        jsonb(cart.pricedLines),
        column('variantId'),
        column('sku'),
        column('productName'),
        column('variantTitle'),
        column('quantity'),
      ],
    );
  return {
    cart: rowOf(manager, CartRow, row!.cart),
    lines: row!.lines.map((line) => rowOf(manager, CartLineRow, line)),
  };
}
