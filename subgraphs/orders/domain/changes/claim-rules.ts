import { DomainError } from '../../../../platform/errors';
import type {
  ChangeItemValue,
  ClaimReason,
  ClaimResolution,
  OrderChangeRow,
  OrderLineParcelRow,
  OrderLineRow,
  OrderRow,
  PreviewLineValue,
} from '../../entities';
import { OrdersErrorCode } from '../../errors';
import { returnedValue } from './edit-rules';
import { lineProgress } from './line-progress';
import { namedLine, positiveQuantity, returnedSoFar } from './return-rules';

export interface ClaimInput {
  orderId: string;
  idempotencyKey: string;
  reason: ClaimReason;
  resolution: ClaimResolution;
  items: { lineId: string; quantity: number }[];
  returnItems: boolean;
  note: string | null;
}

const MAX_NOTE = 500;
const MAX_KEY = 200;

/**
 * A claim checked against what shipped, apart from I/O: some of the order's goods left (a
 * parcel, or the whole order FULFILLED or DELIVERED), each line at most once, no more units
 * than shipped of the line less those already returned or claimed, and lost goods never
 * come back. Each item carries what it is worth
 * (its share of the line total, as a return's), which a REFUND pays back.
 */
export function planClaim(
  order: OrderRow,
  lines: OrderLineRow[],
  changes: OrderChangeRow[],
  input: ClaimInput,
  parcels: OrderLineParcelRow[] = [],
): { items: ChangeItemValue[]; value: number; note: string | null } {
  const key = input.idempotencyKey.trim();
  if (key.length === 0 || key.length > MAX_KEY) {
    throw new DomainError(OrdersErrorCode.INVALID_INPUT, `A key of 1-${MAX_KEY} characters`, [
      'input',
      'idempotencyKey',
    ]);
  }
  if (order.status !== 'FULFILLED' && order.status !== 'DELIVERED' && parcels.length === 0) {
    throw new DomainError(
      OrdersErrorCode.INVALID_ORDER_STATUS,
      `An order that is ${order.status} has shipped nothing to claim for`,
      ['input', 'orderId'],
    );
  }
  if (input.reason === 'LOST' && input.returnItems) {
    throw new DomainError(OrdersErrorCode.INVALID_INPUT, 'Lost goods cannot be sent back', [
      'input',
      'returnItems',
    ]);
  }
  const note = input.note?.trim() || null;
  if (note && note.length > MAX_NOTE) {
    throw new DomainError(OrdersErrorCode.INVALID_REASON, `A note of at most ${MAX_NOTE}`, [
      'input',
      'note',
    ]);
  }
  if (input.items.length === 0) {
    throw new DomainError(OrdersErrorCode.EMPTY_CHANGE, 'Name the lines claimed for', [
      'input',
      'items',
    ]);
  }
  const claimed = returnedSoFar(changes);
  const seen = new Set<string>();
  let value = 0;
  const items = input.items.map((item, index) => {
    const field = ['input', 'items', String(index)];
    const line = namedLine(lines, seen, item.lineId, field);
    positiveQuantity(item.quantity, field);
    const already = claimed.get(line.id) ?? 0;
    const { shipped } = lineProgress(order, line, parcels);
    if (item.quantity > shipped - already) {
      throw new DomainError(
        OrdersErrorCode.CLAIM_QUANTITY_EXCEEDED,
        `${Math.max(shipped - already, 0)} of ${line.sku} can be claimed (shipped ${shipped}, returned or claimed ${already})`,
        [...field, 'quantity'],
      );
    }
    const amount = returnedValue(line, already, item.quantity);
    value += amount;
    return {
      lineId: line.id,
      variantId: line.variantId,
      sku: line.sku,
      quantity: item.quantity,
      condition: null,
      amount,
    };
  });
  return { items, value, note };
}

/** A reship's lines: the claimed goods again, at no charge (they were paid for once). */
export function reshipLines(lines: OrderLineRow[], items: ChangeItemValue[]): PreviewLineValue[] {
  return items.map((item) => {
    const line = lines.find((l) => l.id === item.lineId)!;
    return {
      lineId: null,
      variantId: line.variantId,
      sku: line.sku,
      productName: line.productName,
      variantTitle: line.variantTitle,
      quantity: item.quantity,
      unitPrice: 0,
      discount: 0,
      tax: 0,
      lineTotal: 0,
    };
  });
}
