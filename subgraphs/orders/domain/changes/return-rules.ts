import { DomainError } from '../../../../platform/errors';
import type {
  ChangeItemValue,
  OrderChangeRow,
  OrderLineParcelRow,
  OrderLineRow,
  OrderRow,
} from '../../entities';
import { OrdersErrorCode } from '../../errors';
import { returnedValue } from './edit-rules';
import { lineProgress } from './line-progress';

const DAY_MS = 24 * 3600 * 1000;
const MAX_REASON = 500;

/**
 * Units of each line already coming back or claimed (every return, exchange or claim not
 * rejected or failed): a unit is returned or claimed once.
 */
export function returnedSoFar(changes: OrderChangeRow[]): Map<string, number> {
  const returned = new Map<string, number>();
  for (const change of changes) {
    if (change.kind === 'EDIT' || change.status === 'REJECTED' || change.status === 'FAILED')
      continue;
    for (const item of change.items) {
      if (item.lineId) returned.set(item.lineId, (returned.get(item.lineId) ?? 0) + item.quantity);
    }
  }
  return returned;
}

/**
 * A return request checked against what was delivered, apart from I/O: each line at most
 * once, delivered (by a parcel that arrived, or with the whole order) no longer ago than
 * the window, and no more units than were delivered less those already coming back or
 * claimed. Each item carries what it is worth.
 */
export function planReturn(
  order: OrderRow,
  lines: OrderLineRow[],
  changes: OrderChangeRow[],
  input: { items: { lineId: string; quantity: number }[]; reason: string },
  windowDays: number,
  now: Date,
  parcels: OrderLineParcelRow[] = [],
): { items: ChangeItemValue[]; reason: string; value: number } {
  const reason = input.reason.trim();
  if (reason.length === 0 || reason.length > MAX_REASON) {
    throw new DomainError(
      OrdersErrorCode.INVALID_REASON,
      `A reason of 1-${MAX_REASON} characters`,
      ['input', 'reason'],
    );
  }
  if (input.items.length === 0) {
    throw new DomainError(OrdersErrorCode.EMPTY_CHANGE, 'Name the lines that come back', [
      'input',
      'items',
    ]);
  }
  const returned = returnedSoFar(changes);
  const seen = new Set<string>();
  let value = 0;
  const items = input.items.map((item, index) => {
    const field = ['input', 'items', String(index)];
    const line = namedLine(lines, seen, item.lineId, field);
    const progress = lineProgress(order, line, parcels);
    if (
      progress.deliveredAt &&
      now.getTime() - progress.deliveredAt.getTime() > windowDays * DAY_MS
    ) {
      throw new DomainError(
        OrdersErrorCode.RETURN_WINDOW_CLOSED,
        `Returns are accepted within ${windowDays} days of delivery`,
        ['input', 'orderId'],
      );
    }
    const already = returned.get(line.id) ?? 0;
    const left = progress.delivered - already;
    positiveQuantity(item.quantity, field);
    if (item.quantity > left) {
      throw new DomainError(
        OrdersErrorCode.RETURN_QUANTITY_EXCEEDED,
        `${Math.max(left, 0)} of ${line.sku} can be returned (delivered ${progress.delivered}, returned ${already})`,
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
  return { items, reason, value };
}

/** The order line an item of a return or claim names; each line once (`seen` keeps count). */
export function namedLine<L extends { id: string }>(
  lines: readonly L[],
  seen: Set<string>,
  lineId: string,
  field: string[],
): L {
  const line = lines.find((l) => l.id === lineId);
  if (!line || seen.has(lineId)) {
    throw new DomainError(
      line ? OrdersErrorCode.INVALID_INPUT : OrdersErrorCode.NOT_FOUND,
      line ? 'A line may be named once' : `Line ${lineId} is not on the order`,
      [...field, 'lineId'],
    );
  }
  seen.add(lineId);
  return line;
}

export function positiveQuantity(quantity: number, field: string[]): void {
  if (!Number.isInteger(quantity) || quantity < 1) {
    throw new DomainError(OrdersErrorCode.INVALID_QUANTITY, 'quantity must be 1 or more', [
      ...field,
      'quantity',
    ]);
  }
}
