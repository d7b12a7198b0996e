import type { EntityManager } from 'typeorm';
import { OrderLineRow, OrderRow } from '../../entities';
import { jsonb, rowOf } from '../../../../platform/sql-rows';

/** What placing an order writes: the order row's values and its lines, priced. */
export interface OrderToPlace {
  order: Omit<
    OrderRow,
    | 'number'
    | 'status'
    | 'createdAt'
    | 'updatedAt'
    | 'paymentAttention'
    | 'version'
    | 'pendingChangeId'
    | 'deliveredAt'
    | 'shipmentIds'
  >;
  lines: {
    variantId: string;
    sku: string;
    productName: string;
    variantTitle: string;
    quantity: number;
    unitPriceAmount: number;
    discountAmount: number;
    taxAmount: number;
    lineTotalAmount: number;
  }[];
}

/** An order this call wrote, with its lines, as the response will read them. */
export interface PlacedOrder {
  order: OrderRow;
  lines: OrderLineRow[];
}

/**
 * Closes the cart and writes the PENDING order and its lines in one statement: the order
 * only if the cart was still ACTIVE (null otherwise, nothing written), the lines in one
 * set-based insert. Both come back from RETURNING, not from a second read.
 */
export async function insertPlacedOrder(
  tx: EntityManager,
  { order: o, lines }: OrderToPlace,
): Promise<PlacedOrder | null> {
  const column = <K extends keyof OrderToPlace['lines'][number]>(key: K) =>
    lines.map((line) => line[key]);
  const rows: Record<string, unknown>[] = await tx.query(
    `WITH closed AS (
       UPDATE orders.cart SET status = 'CHECKED_OUT', updated_at = now()
        WHERE id = $1 AND status = 'ACTIVE' RETURNING id
     ), placed AS (
       INSERT INTO orders.customer_order (id, customer_id, email, status, currency,
              subtotal_amount, discount_total_amount, shipping_amount, shipping_method,
              tax_total_amount, tax_inclusive, total_amount, discount_codes, discounts,
              shipping_address, billing_address, cart_id, idempotency_key, reservation_id,
              payment_id, payment_method, tenders)
       SELECT $2, $3, $4, 'PENDING', $5, $6, $7, $8, $9::jsonb, $10, $11, $12, $13::text[],
              $14::jsonb, $15::jsonb, $16::jsonb, closed.id, $17, $18, $19, $20, $21::jsonb
         FROM closed
       RETURNING *
     ), lines AS (
       INSERT INTO orders.order_line (order_id, position, variant_id, sku, product_name,
              variant_title, quantity, unit_price_amount, discount_amount, tax_amount,
              line_total_amount)
       SELECT placed.id, l.ord - 1, l.variant_id, l.sku, l.product_name, l.variant_title,
              l.quantity, l.unit_price, l.discount, l.tax, l.line_total
         FROM placed,
              unnest($22::uuid[], $23::text[], $24::text[], $25::text[], $26::int[],
                     $27::bigint[], $28::bigint[], $29::bigint[], $30::bigint[])
                WITH ORDINALITY AS l(variant_id, sku, product_name, variant_title, quantity,
                     unit_price, discount, tax, line_total, ord)
       RETURNING *
     )
     SELECT placed.*,
            (SELECT jsonb_agg(to_jsonb(lines) ORDER BY lines.position) FROM lines) AS placed_lines
       FROM placed`,
    [
      o.cartId,
      o.id,
      o.customerId,
      o.email,
      o.currency,
      o.subtotalAmount,
      o.discountTotalAmount,
      o.shippingAmount,
      jsonb(o.shippingMethod),
      o.taxTotalAmount,
      o.taxInclusive,
      o.totalAmount,
      o.discountCodes,
      jsonb(o.discounts),
      jsonb(o.shippingAddress),
      jsonb(o.billingAddress),
      o.idempotencyKey,
      o.reservationId,
      o.paymentId,
      o.paymentMethod,
      jsonb(o.tenders),
      column('variantId'),
      column('sku'),
      column('productName'),
      column('variantTitle'),
      column('quantity'),
      column('unitPriceAmount'),
      column('discountAmount'),
      column('taxAmount'),
      column('lineTotalAmount'),
    ],
  );
  const [row] = rows;
  if (!row) return null;
  return {
    order: rowOf(tx, OrderRow, row),
    lines: (row.placed_lines as Record<string, unknown>[]).map((l) => rowOf(tx, OrderLineRow, l)),
  };
}
