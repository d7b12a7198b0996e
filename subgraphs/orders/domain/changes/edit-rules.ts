import { DomainError } from '../../../../platform/errors';
import type { AddressValue, OrderLineRow, OrderStatus } from '../../entities';
import { OrdersErrorCode } from '../../errors';

export interface EditInput {
  addLines: { variantId: string; quantity: number }[];
  updateLines: { lineId: string; quantity: number }[];
  shippingAddress: AddressValue | null;
  shippingMethodId: string | null;
}

/** A line as the edit leaves it; `unitPrice` keeps what the buyer paid for existing lines. */
export interface PlannedLine {
  lineId: string | null;
  variantId: string;
  quantity: number;
  previousQuantity: number;
  unitPrice: number | null;
}

const MAX_QUANTITY = 1000;
/** Shipped goods cannot be edited; what left the warehouse comes back as a return. */
const SHIPPED: OrderStatus[] = ['FULFILLED', 'DELIVERED'];

/**
 * The lines an edit leaves, apart from I/O: quantities changed (0 removes a line), new
 * variants added (a variant already on the order adds to its line). Only a CONFIRMED
 * order is edited: before capture the payment is still moving, after shipping the goods
 * are; of a partly shipped one, a line a parcel carried (`shipped`, units per line id) is
 * LINE_ALREADY_SHIPPED.
 */
export function planEdit(
  order: { status: OrderStatus; lines: OrderLineRow[] },
  input: EditInput,
  shipped: ReadonlyMap<string, number> = new Map(),
): PlannedLine[] {
  const base = ['input'];
  if (SHIPPED.includes(order.status) && input.updateLines.length > 0) {
    throw new DomainError(
      OrdersErrorCode.LINE_ALREADY_SHIPPED,
      'This line has shipped: return it instead of editing it',
      [...base, 'updateLines', '0', 'lineId'],
    );
  }
  if (order.status !== 'CONFIRMED') {
    throw new DomainError(
      OrdersErrorCode.INVALID_ORDER_STATUS,
      `An order that is ${order.status} cannot be edited (CONFIRMED only)`,
      [...base, 'orderId'],
    );
  }
  if (
    input.addLines.length === 0 &&
    input.updateLines.length === 0 &&
    !input.shippingAddress &&
    !input.shippingMethodId
  ) {
    throw new DomainError(OrdersErrorCode.EMPTY_CHANGE, 'The edit changes nothing', base);
  }
  const planned: PlannedLine[] = order.lines.map((l) => ({
    lineId: l.id,
    variantId: l.variantId,
    quantity: l.quantity,
    previousQuantity: l.quantity,
    unitPrice: l.unitPriceAmount,
  }));
  const seen = new Set<string>();
  input.updateLines.forEach((update, index) => {
    const field = [...base, 'updateLines', String(index)];
    const line = planned.find((p) => p.lineId === update.lineId);
    if (!line || seen.has(update.lineId)) {
      throw new DomainError(
        line ? OrdersErrorCode.INVALID_INPUT : OrdersErrorCode.NOT_FOUND,
        line ? 'A line may be changed once per edit' : `Line ${update.lineId} is not on the order`,
        [...field, 'lineId'],
      );
    }
    seen.add(update.lineId);
    // A parcel carried some of it: what left comes back as a return, not as an edit.
    if ((shipped.get(update.lineId) ?? 0) > 0) {
      throw new DomainError(
        OrdersErrorCode.LINE_ALREADY_SHIPPED,
        'This line has shipped: return it instead of editing it',
        [...field, 'lineId'],
      );
    }
    checkQuantity(update.quantity, 0, [...field, 'quantity']);
    line.quantity = update.quantity;
  });
  input.addLines.forEach((add, index) => {
    checkQuantity(add.quantity, 1, [...base, 'addLines', String(index), 'quantity']);
    // More of a variant joins its line, unless some of that line already shipped.
    const line = planned.find(
      (p) => p.variantId === add.variantId && !(p.lineId && (shipped.get(p.lineId) ?? 0) > 0),
    );
    if (line) line.quantity += add.quantity;
    else
      planned.push({
        lineId: null,
        variantId: add.variantId,
        quantity: add.quantity,
        previousQuantity: 0,
        unitPrice: null,
      });
  });
  const kept = planned.filter((p) => p.quantity > 0);
  if (kept.length === 0) {
    throw new DomainError(
      OrdersErrorCode.INVALID_QUANTITY,
      'An order keeps at least one line: cancel it instead',
      [...base, 'updateLines'],
    );
  }
  return planned;
}

function checkQuantity(quantity: number, min: number, field: string[]): void {
  if (!Number.isInteger(quantity) || quantity < min || quantity > MAX_QUANTITY) {
    throw new DomainError(
      OrdersErrorCode.INVALID_QUANTITY,
      `quantity must be between ${min} and ${MAX_QUANTITY}`,
      field,
    );
  }
}

/** Per SKU, how many more units the order holds after the edit (negative: given back). */
export function stockDeltas(
  lines: { sku: string; quantity: number; previousQuantity: number }[],
): { sku: string; delta: number }[] {
  const bySku = new Map<string, number>();
  for (const l of lines)
    bySku.set(l.sku, (bySku.get(l.sku) ?? 0) + l.quantity - l.previousQuantity);
  return [...bySku].filter(([, d]) => d !== 0).map(([sku, delta]) => ({ sku, delta }));
}

/**
 * What returned units are worth: their share of the line total, so that returning every
 * unit refunds the line to the cent (the last units take the rounding).
 */
export function returnedValue(
  line: { quantity: number; lineTotalAmount: number },
  alreadyReturned: number,
  units: number,
): number {
  const valueUpTo = (n: number) => Math.round((line.lineTotalAmount * n) / line.quantity);
  return valueUpTo(alreadyReturned + units) - valueUpTo(alreadyReturned);
}
