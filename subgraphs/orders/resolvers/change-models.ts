import { DomainError } from '../../../platform/errors';
import { isUuid } from '../../../platform/ids';
import type { OrderChangeRow } from '../entities';
import { OrdersErrorCode } from '../errors';
import { money } from './models';

const variantRef = (id: string) => ({ __typename: 'ProductVariant' as const, id });

/** An id inside an input list: a malformed one is a userError with its path. */
export function idAt(value: string, field: string[]): string {
  if (!isUuid(value)) throw new DomainError(OrdersErrorCode.INVALID_ID, 'Not a valid id', field);
  return value.toLowerCase();
}

export function toChange(row: OrderChangeRow) {
  const c = row.currency;
  const preview = row.preview;
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    orderVersion: row.baseVersion,
    items: row.items.map((i) => ({
      lineId: i.lineId,
      variant: variantRef(i.variantId),
      sku: i.sku,
      quantity: i.quantity,
      condition: i.condition ?? null,
    })),
    preview: preview && {
      lines: preview.lines.map((l) => ({
        lineId: l.lineId,
        variant: variantRef(l.variantId),
        sku: l.sku,
        productName: l.productName,
        quantity: l.quantity,
        unitPrice: money(l.unitPrice, c),
        discount: money(l.discount, c),
        tax: money(l.tax, c),
        lineTotal: money(l.lineTotal, c),
      })),
      subtotal: money(preview.subtotal, c),
      discountTotal: money(preview.discountTotal, c),
      shipping: money(preview.shipping, c),
      tax: money(preview.tax, c),
      total: money(preview.total, c),
      shippingAddress: preview.shippingAddress,
    },
    difference: money(row.differenceAmount, c),
    reason: row.reason,
    returnLabel: row.returnLabel,
    claimReason: row.claimReason,
    resolution: row.resolution,
    failure: row.failure,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
