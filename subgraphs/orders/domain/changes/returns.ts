import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../../../../platform/errors';
import { UpstreamError } from '../../../../platform/service-client';
import { recordEvent } from '../../../../platform/outbox';
import {
  ORDER_RETURN_RECEIVED_TOPIC,
  orderUpdatedTopic,
  type OrderReturnReceivedEvent,
  type OrderUpdatedEvent,
} from '../../../../platform/topics';
import type { OrdersClients } from '../../clients/index';
import {
  type ChangePreviewValue,
  OrderChangeRow,
  type OrderChangeStatus,
  OrderLineRow,
  OrderRow,
} from '../../entities';
import { OrdersErrorCode } from '../../errors';
import type { CartQuoter } from '../cart-quote';
import type { OrderService } from '../orders';
import { lockChange, lockOrder } from './locks';
import { previewOf } from './preview';
import { planReturn } from './return-rules';
import { appendLines } from './append-lines';
import { announceOrderChanged } from './change-events';
import { lineProgress, parcelsOf } from './line-progress';
import { stockDeltas } from './edit-rules';
import type { ChangeSettlement, PaymentChoice } from './settlement';

/** Shipping's return labels, behind an interface: orders needs one call of it. */
export interface ReturnLabels {
  buy(shipmentId: string, idempotencyKey: string): Promise<{ id: string; trackingNumber: string }>;
}

export interface ReturnRequest {
  orderId: string;
  items: { lineId: string; quantity: number }[];
  reason: string;
  exchangeLines: { variantId: string; quantity: number }[] | null;
}

type Result = Promise<{ change: OrderChangeRow; order: OrderRow }>;

/**
 * Returns and exchanges (RMA), one OrderChange each: REQUESTED → APPROVED (the label
 * bought) → RECEIVED (each item's condition; the restocked ones announced to inventory
 * in the same transaction) → REFUNDED or EXCHANGED (the money settled, keyed by the
 * return, the order's version bumped), or REJECTED. Every step is a compare-and-set of
 * the change's status and an `orderUpdated` event.
 */
export class OrderReturns {
  constructor(
    private readonly db: DataSource,
    private readonly clients: OrdersClients,
    private readonly quoter: CartQuoter,
    private readonly orders: OrderService,
    private readonly settlement: ChangeSettlement,
    private readonly labels: ReturnLabels,
    private readonly windowDays: number,
  ) {}

  async request(order: OrderRow, input: ReturnRequest, actor: string | null): Result {
    const exchange = input.exchangeLines?.length ? await this.priceExchange(order, input) : null;
    return this.db.transaction(async (tx) => {
      const locked = await lockOrder(tx, order.id);
      const lines = await tx.getRepository(OrderLineRow).findBy({ orderId: order.id });
      const changes = await tx.getRepository(OrderChangeRow).findBy({ orderId: order.id });
      const parcels = await parcelsOf(tx, order.id);
      const plan = planReturn(locked, lines, changes, input, this.windowDays, new Date(), parcels);
      const change = await tx.getRepository(OrderChangeRow).save(
        tx.getRepository(OrderChangeRow).create({
          orderId: order.id,
          kind: exchange ? 'EXCHANGE' : 'RETURN',
          status: 'REQUESTED',
          baseVersion: locked.version,
          items: plan.items,
          preview: exchange,
          differenceAmount: (exchange?.total ?? 0) - plan.value,
          currency: order.currency,
          reason: plan.reason,
          requestedBy: actor,
        }),
      );
      await announce(tx, order.id);
      return { change, order: locked };
    });
  }

  async approve(id: string): Result {
    const change = await this.find(id);
    if (change.status === 'REQUESTED') {
      const order = await this.db.getRepository(OrderRow).findOneByOrFail({ id: change.orderId });
      // Goods that came with a carrier go back with one (the parcel that carried the
      // first line returned); staff-delivered orders have none.
      const shipmentId = await this.shipmentOf(order, change.items[0]?.lineId ?? null);
      const label = shipmentId ? await this.labels.buy(shipmentId, `return:${id}`) : null;
      return this.move(id, ['REQUESTED'], 'APPROVED', async (tx) => {
        await tx.getRepository(OrderChangeRow).update(id, { returnLabel: label });
      });
    }
    return this.move(id, ['APPROVED'], 'APPROVED');
  }

  reject(id: string, reason: string | null): Result {
    return this.move(id, ['REQUESTED'], 'REJECTED', async (tx) => {
      if (reason?.trim()) {
        await tx.getRepository(OrderChangeRow).update(id, { failure: reason.trim().slice(0, 500) });
      }
    });
  }

  receive(id: string, received: { lineId: string; condition: 'RESTOCK' | 'DAMAGED' }[]): Result {
    return this.move(id, ['APPROVED'], 'RECEIVED', async (tx, change, order) => {
      received.forEach((r, index) => {
        if (!change.items.some((i) => i.lineId === r.lineId)) {
          throw new DomainError(
            OrdersErrorCode.NOT_FOUND,
            `Line ${r.lineId} is not in this return`,
            ['items', String(index), 'lineId'],
          );
        }
      });
      const items = change.items.map((item) => {
        const condition = received.find((r) => r.lineId === item.lineId)?.condition;
        if (!condition) {
          throw new DomainError(OrdersErrorCode.REQUIRED, `Say how ${item.sku} came back`, [
            'items',
          ]);
        }
        return { ...item, condition };
      });
      await tx.getRepository(OrderChangeRow).update(id, { items });
      const restock = items.filter((i) => i.condition === 'RESTOCK');
      if (restock.length === 0) return;
      const event: OrderReturnReceivedEvent = {
        returnId: id,
        orderId: order.id,
        reservationId: order.reservationId,
        items: restock.map((i) => ({
          itemKey: `${id}:${i.lineId}`,
          sku: i.sku,
          quantity: i.quantity,
        })),
      };
      await recordEvent(tx, 'orders', ORDER_RETURN_RECEIVED_TOPIC, event);
    });
  }

  /** The refund (a return) or the new lines and the difference (an exchange); a retry is safe. */
  async settle(id: string, payment: PaymentChoice | null, actor: string | null): Result {
    const change = await this.find(id);
    if (change.status === 'REFUNDED' || change.status === 'EXCHANGED') {
      return this.move(id, [], change.status);
    }
    if (change.status !== 'RECEIVED') {
      throw new DomainError(
        OrdersErrorCode.INVALID_CHANGE_STATUS,
        `The return is ${change.status}; it is settled once RECEIVED`,
        ['input', 'id'],
      );
    }
    const order = await this.db.getRepository(OrderRow).findOneByOrFail({ id: change.orderId });
    if (change.kind === 'EXCHANGE') await this.exchangeGoods(change, order, payment);
    else if (change.differenceAmount < 0) await this.refund(change, order);
    const to: OrderChangeStatus = change.kind === 'EXCHANGE' ? 'EXCHANGED' : 'REFUNDED';
    return this.move(id, ['RECEIVED'], to, async (tx, _change, locked) => {
      await tx.getRepository(OrderRow).update(locked.id, {
        version: locked.version + 1,
        updatedAt: () => 'now()',
      });
      const settled: Partial<OrderChangeRow> = { committedVersion: locked.version + 1 };
      if (change.kind === 'EXCHANGE') {
        // The replacement is an order line like any other: fulfillment picks and ships it.
        const ids = await appendLines(tx, locked.id, change.preview!.lines);
        settled.preview = {
          ...change.preview!,
          lines: change.preview!.lines.map((l, i) => ({ ...l, lineId: ids[i]! })),
        };
      }
      await tx.getRepository(OrderChangeRow).update(id, settled);
      const verb = to === 'EXCHANGED' ? 'Exchanged' : 'Return refunded';
      await this.orders.recordStatus(
        tx,
        locked.id,
        locked.status,
        `${verb} (version ${locked.version + 1}): ${change.differenceAmount} ${order.currency}`,
        actor,
      );
      await announceOrderChanged(tx, locked.id, change);
    });
  }

  /** The shipment that brought this line (its latest delivered parcel), else the order's first. */
  async shipmentOf(order: OrderRow, lineId: string | null): Promise<string | null> {
    const line = lineId
      ? await this.db.getRepository(OrderLineRow).findOneBy({ id: lineId })
      : null;
    const parcels = await parcelsOf(this.db.manager, order.id);
    const carried = line ? lineProgress(order, line, parcels).shipmentId : null;
    return carried ?? order.shipmentIds[0] ?? null;
  }

  private refund(change: OrderChangeRow, order: OrderRow): Promise<void> {
    return this.settlement.refund(
      order,
      `return:${change.id}:refund`,
      -change.differenceAmount,
      change.reason ?? 'Return',
      ['input', 'id'],
    );
  }

  /**
   * An exchange's new goods are held on the order's own reservation (inventory reopens it
   * when the order had shipped), so fulfillment ships them from that hold and nothing is
   * held under a reference only this change knows. The payment is checked before the hold;
   * a refused one gives the hold back and counts an attempt, so the next try holds and
   * authorizes under fresh keys.
   */
  private async exchangeGoods(
    change: OrderChangeRow,
    order: OrderRow,
    payment: PaymentChoice | null,
  ): Promise<void> {
    const field = ['input', 'payment'];
    if (change.differenceAmount > 0)
      this.settlement.methodFor(order, change.differenceAmount, payment, field);
    const key = `exchange:${change.id}:${change.attempt}`;
    const deltas = stockDeltas(
      change.preview!.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, previousQuantity: 0 })),
    );
    await this.clients.inventory.adjust(order.reservationId, key, deltas);
    try {
      if (change.differenceAmount > 0)
        await this.settlement.charge(order, key, change.differenceAmount, payment, field);
      else if (change.differenceAmount < 0) await this.refund(change, order);
    } catch (error) {
      if (!(error instanceof UpstreamError)) {
        await this.clients.inventory.adjust(
          order.reservationId,
          `${key}:undo`,
          deltas.map((d) => ({ sku: d.sku, delta: -d.delta })),
        );
        await this.db.getRepository(OrderChangeRow).increment({ id: change.id }, 'attempt', 1);
      }
      throw error;
    }
  }

  /** New lines of an exchange, priced as checkout prices them; they ship free. */
  private async priceExchange(order: OrderRow, input: ReturnRequest): Promise<ChangePreviewValue> {
    input.exchangeLines!.forEach((l, index) => {
      if (!Number.isInteger(l.quantity) || l.quantity < 1 || l.quantity > 1000) {
        throw new DomainError(OrdersErrorCode.INVALID_QUANTITY, 'quantity must be 1-1000', [
          'input',
          'exchangeLines',
          String(index),
          'quantity',
        ]);
      }
    });
    const lines = input.exchangeLines!.map((l) => ({ ...l, lineId: null }));
    const quote = await this.quoter.quote({
      currency: order.currency,
      lines: input.exchangeLines!.map((l) => ({ variantId: l.variantId, quantity: l.quantity })),
      country: order.shippingAddress.country,
      region: order.shippingAddress.region ?? null,
      couponCodes: [],
      customerKey: order.customerId,
    });
    const preview = previewOf(quote, lines, null);
    const sum = (f: (l: (typeof preview.lines)[number]) => number) =>
      preview.lines.reduce((total, l) => total + f(l), 0);
    return {
      ...preview,
      subtotal: sum((l) => l.unitPrice * l.quantity),
      discountTotal: sum((l) => l.discount),
      discounts: [],
      shipping: 0,
      tax: sum((l) => l.tax),
      total: sum((l) => l.lineTotal),
      shippingMethod: null,
    };
  }

  private async find(id: string): Promise<OrderChangeRow> {
    const change = await this.db.getRepository(OrderChangeRow).findOneBy({ id });
    if (!change || change.kind === 'EDIT') {
      throw new DomainError(OrdersErrorCode.NOT_FOUND, `Return ${id} was not found`, ['id']);
    }
    return change;
  }

  /** from → to as a compare-and-set with `also` in the same transaction; at `to` already: as is. */
  private async move(
    id: string,
    from: OrderChangeStatus[],
    to: OrderChangeStatus,
    also?: (tx: EntityManager, change: OrderChangeRow, order: OrderRow) => Promise<void>,
  ): Result {
    return this.db.transaction(async (tx) => {
      const change = await lockChange(tx, id, ['id']);
      if (change.kind === 'EDIT')
        throw new DomainError(OrdersErrorCode.NOT_FOUND, `Return ${id} was not found`, ['id']);
      const order = await lockOrder(tx, change.orderId);
      if (change.status === to) return { change, order };
      if (!from.includes(change.status)) {
        throw new DomainError(
          OrdersErrorCode.INVALID_CHANGE_STATUS,
          `The return is ${change.status}; this needs ${from.join(' or ')}`,
          ['id'],
        );
      }
      await tx.getRepository(OrderChangeRow).update(id, { status: to, updatedAt: () => 'now()' });
      await also?.(tx, change, order);
      await announce(tx, order.id);
      return {
        change: await tx.getRepository(OrderChangeRow).findOneByOrFail({ id }),
        order: await tx.getRepository(OrderRow).findOneByOrFail({ id: order.id }),
      };
    });
  }
}

/** `orderUpdated` subscribers see every step of a return. */
function announce(tx: EntityManager, orderId: string): Promise<void> {
  const event: OrderUpdatedEvent = { orderId, source: 'orders' };
  return recordEvent(tx, 'orders', orderUpdatedTopic(orderId), event);
}
