import { type DataSource, type EntityManager, In } from 'typeorm';
import type { PubSubEngine } from 'graphql-subscriptions';
import { DomainError } from '../../../platform/errors';
import { type Connection, type PageRequest, toConnection } from '../../../platform/pagination';
import { liveStream } from '../../../platform/live';
import { recordEvent } from '../../../platform/outbox';
import {
  ORDER_CONFIRMED_TOPIC,
  ORDER_OVERRIDDEN_TOPIC,
  orderUpdatedTopic,
  type OrderConfirmedEvent,
  type OrderOverriddenEvent,
  type OrderUpdatedEvent,
} from '../../../platform/topics';
import type { InventoryClient } from '../clients/inventory';
import type { PaymentsClient } from '../clients/payments';
import {
  OrderLineRow,
  OrderRow,
  type OrderStatus,
  OrderStatusChangeRow,
  paymentAmountOf,
  tendersOf,
} from '../entities';
import { assertTransition } from './order-status';

const MAX_REASON_LENGTH = 500;
const CAPTURABLE: OrderStatus[] = ['PENDING', 'CONFIRMED', 'FULFILLED', 'DELIVERED'];

/**
 * The order lifecycle after checkout. Each step first makes the other domain act
 * (idempotently, keyed by order and step), then moves the status with a
 * compare-and-set, so a retried or concurrent request cannot apply a step twice.
 */
export class OrderService {
  constructor(
    private readonly db: DataSource,
    private readonly inventory: InventoryClient,
    private readonly payments: PaymentsClient,
    private readonly pubsub: PubSubEngine,
  ) {}

  ordersByIds(ids: readonly string[]): Promise<OrderRow[]> {
    return this.db.getRepository(OrderRow).findBy({ id: In([...ids]) });
  }

  /** Newest first; one customer's or everyone's, optionally in one status. */
  async listOrders(
    page: PageRequest,
    filter: { customerId?: string; status?: OrderStatus | null; search?: string | null },
  ): Promise<Connection<OrderRow>> {
    const query = this.db.getRepository(OrderRow).createQueryBuilder('o');
    if (filter.customerId)
      query.andWhere('o.customer_id = :customerId', { customerId: filter.customerId });
    if (filter.status) query.andWhere('o.status = :status', { status: filter.status });
    const search = filter.search?.trim();
    if (search) {
      // "1042" or "#1042" is an order number; anything else the start of the buyer's email.
      const number = /^#?(\d{1,15})$/.exec(search);
      if (number) query.andWhere('o.number = :number', { number: number[1] });
      else
        query.andWhere(`lower(o.email) LIKE :prefix ESCAPE '\\'`, {
          prefix: `${search.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`,
        });
    }
    const totalCount = await query.clone().getCount();
    if (page.after) {
      const [createdAt, id] = page.after;
      query.andWhere('(o.created_at, o.id) < (:createdAt, :id)', { createdAt, id });
    }
    const rows = await query
      .orderBy('o.created_at', 'DESC')
      .addOrderBy('o.id', 'DESC')
      .take(page.limit + 1)
      .getMany();
    return toConnection(rows, page, (row) => [row.createdAt.toISOString(), row.id], totalCount);
  }

  linesOfOrders(orderIds: readonly string[]): Promise<OrderLineRow[]> {
    return this.db.getRepository(OrderLineRow).find({
      where: { orderId: In([...orderIds]) },
      order: { position: 'ASC' },
    });
  }

  statusHistoryOfOrders(orderIds: readonly string[]): Promise<OrderStatusChangeRow[]> {
    return this.db.getRepository(OrderStatusChangeRow).find({
      where: { orderId: In([...orderIds]) },
      order: { createdAt: 'ASC' },
    });
  }

  /**
   * Captures all of the authorization, or `amount` of it (the rest is released). Once per
   * order: a retry of the same capture answers as the first did, and a capture of another
   * amount after it is refused with what was captured (PAYMENT_ALREADY_CAPTURED).
   */
  async capture(id: string, amount: number | null): Promise<OrderRow> {
    const order = await this.findOrFail(id);
    // Past PENDING the capture moves no status: a retry, or cash collected on delivery.
    if (!CAPTURABLE.includes(order.status)) assertTransition(order.status, 'CONFIRMED');
    // Points and gift cards paid their part at checkout: the payment is for the rest.
    const payable = paymentAmountOf(order);
    if (amount !== null && (!Number.isInteger(amount) || amount <= 0 || amount > payable)) {
      throw new DomainError('INVALID_AMOUNT', `Capture between 1 and ${payable}`, ['amount']);
    }
    // Always the amount, never "the rest": payments compares it with the first capture's.
    await this.payments.capture(order.paymentId, `order:${id}:capture`, amount ?? payable);
    if (order.status !== 'PENDING') return order;
    return this.move(
      order,
      'CONFIRMED',
      amount === null ? 'Payment captured' : `Payment captured: ${amount} ${order.currency}`,
    );
  }

  async fulfill(id: string): Promise<OrderRow> {
    const order = await this.prepare(id, 'FULFILLED');
    if (order.status === 'FULFILLED') return order;
    await this.inventory.fulfill(order.reservationId);
    return this.move(order, 'FULFILLED', 'Shipped', (tx) => recordOverride(tx, id, 'FULFILLED'));
  }

  async markDelivered(id: string): Promise<OrderRow> {
    const order = await this.prepare(id, 'DELIVERED');
    if (order.status === 'DELIVERED') return order;
    await this.db
      .getRepository(OrderRow)
      .update(id, { deliveredAt: order.deliveredAt ?? new Date() });
    return this.move(order, 'DELIVERED', null, (tx) => recordOverride(tx, id, 'DELIVERED'));
  }

  /** Puts the stock back and gives the money back: void before capture, refund after. */
  async cancel(id: string, reason: string | null): Promise<OrderRow> {
    const order = await this.prepare(id, 'CANCELLED');
    if (order.status === 'CANCELLED') return order;
    if (order.status === 'PENDING') await this.payments.void(order.paymentId, `order:${id}:void`);
    else await this.payments.refund(order.paymentId, `order:${id}:cancel-refund`, reason);
    await this.inventory.release(order.reservationId);
    return this.move(order, 'CANCELLED', reason);
  }

  /**
   * The way out for an order that cannot be cancelled normally (the processor declines the
   * void, or lost the authorization): the stock goes back and the order is CANCELLED
   * whatever payments answers; when the payment could not be voided or refunded, the order
   * says so (`paymentAttention`) for staff to settle by hand. The status change records
   * who did it and why. Shipped goods cannot be force-cancelled back onto the shelf.
   */
  async forceCancel(id: string, reason: string, actor: string | null): Promise<OrderRow> {
    const why = reason.trim();
    if (why.length === 0 || why.length > MAX_REASON_LENGTH) {
      throw new DomainError(
        'INVALID_REASON',
        `A reason of 1-${MAX_REASON_LENGTH} characters is required`,
        ['reason'],
      );
    }
    const order = await this.prepare(id, 'CANCELLED');
    if (order.status === 'CANCELLED') return order;
    await this.inventory.release(order.reservationId);
    let attention: string | null = null;
    try {
      if (order.status === 'PENDING') {
        await this.payments.void(order.paymentId, `order:${id}:void`);
      } else {
        await this.payments.refund(order.paymentId, `order:${id}:cancel-refund`, why);
      }
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const action = order.status === 'PENDING' ? 'void the authorization' : 'refund the capture';
      attention = `${error.code}: ${error.message}. ${action} of payment ${order.paymentId} by hand`;
    }
    return this.db.transaction(async (tx) => {
      const moved = await tx
        .createQueryBuilder()
        .update(OrderRow)
        .set({ status: 'CANCELLED', paymentAttention: attention, updatedAt: () => 'now()' })
        .where('id = :id AND status = :from', { id, from: order.status })
        .execute();
      if (moved.affected === 1) {
        await this.recordStatus(tx, id, 'CANCELLED', `Force-cancelled: ${why}`, actor);
      }
      return tx.getRepository(OrderRow).findOneByOrFail({ id });
    });
  }

  /**
   * Refunds `amount` (default: what is left). Partial refunds leave the order as it is;
   * the one that leaves nothing captured makes it REFUNDED. Payments keeps the sum of
   * refunds within what was captured, also when two refunds race.
   */
  async refund(
    id: string,
    amount: number | null,
    reason: string | null,
    idempotencyKey: string,
  ): Promise<OrderRow> {
    const order = await this.findOrFail(id);
    if (!['CONFIRMED', 'FULFILLED', 'DELIVERED'].includes(order.status)) {
      throw new DomainError(
        'INVALID_ORDER_STATUS',
        `An order that is ${order.status} cannot be refunded`,
        ['id'],
      );
    }
    const payment = await this.payments.refund(
      order.paymentId,
      `order:${id}:refund:${idempotencyKey}`,
      reason,
      amount,
    );
    // A partial refund changes the payment, not the order (payments announces it).
    if (payment.refundedAmount.amount < payment.capturedAmount.amount) return order;
    // Stock not yet shipped goes back on the shelf.
    if (order.status === 'CONFIRMED') await this.inventory.release(order.reservationId);
    return this.move(order, 'REFUNDED', reason);
  }

  /** Every status change is history and an event, committed with the change itself. */
  async recordStatus(
    tx: EntityManager,
    orderId: string,
    status: OrderStatus,
    note: string | null,
    actor: string | null = null,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO orders.order_status_change (order_id, status, note, actor) VALUES ($1, $2, $3, $4)`,
      [orderId, status, note, actor],
    );
    const event: OrderUpdatedEvent = { orderId, status, source: 'orders' };
    await recordEvent(tx, 'orders', orderUpdatedTopic(orderId), event);
  }

  /**
   * The order now, then every change any domain announces for it; resuming `after` the
   * last event a subscriber saw, the changes it missed instead of the order now.
   */
  async watch(
    orderId: string,
    after: string | null = null,
  ): Promise<AsyncIterableIterator<OrderUpdatedEvent>> {
    if (!(await this.db.getRepository(OrderRow).existsBy({ id: orderId }))) {
      throw new DomainError('NOT_FOUND', `Order ${orderId} was not found`, ['id']);
    }
    return liveStream<OrderUpdatedEvent>(
      this.pubsub,
      orderUpdatedTopic(orderId),
      async () => [{ orderId, source: 'current' }],
      undefined,
      after,
    );
  }

  /** Loads the order and checks the step is allowed; an order already there is returned as is. */
  private async prepare(id: string, to: OrderStatus): Promise<OrderRow> {
    const order = await this.findOrFail(id);
    if (order.status !== to) assertTransition(order.status, to);
    return order;
  }

  private async findOrFail(id: string): Promise<OrderRow> {
    const order = await this.db.getRepository(OrderRow).findOneBy({ id });
    if (!order) throw new DomainError('NOT_FOUND', `Order ${id} was not found`, ['id']);
    return order;
  }

  /**
   * Moves the order from the status it had when read to `to`, with its history and
   * events, inside `tx`; false when another request moved it first (compare-and-set).
   */
  async advanceWithin(
    tx: EntityManager,
    order: OrderRow,
    to: OrderStatus,
    note: string | null,
  ): Promise<boolean> {
    const result = await tx
      .createQueryBuilder()
      .update(OrderRow)
      .set({ status: to, updatedAt: () => 'now()' })
      .where('id = :id AND status = :from', { id: order.id, from: order.status })
      .execute();
    if (result.affected !== 1) return false;
    await this.recordStatus(tx, order.id, to, note);
    if (to === 'CONFIRMED') await recordConfirmed(tx, order);
    return true;
  }

  private async move(
    order: OrderRow,
    to: OrderStatus,
    note: string | null,
    alsoRecord?: (tx: EntityManager) => Promise<void>,
  ): Promise<OrderRow> {
    return this.db.transaction(async (tx) => {
      if ((await this.advanceWithin(tx, order, to, note)) && alsoRecord) await alsoRecord(tx);
      const current = await tx.getRepository(OrderRow).findOneByOrFail({ id: order.id });
      if (current.status !== to) {
        throw new DomainError(
          'CONCURRENT_UPDATE',
          `The order changed to ${current.status} meanwhile`,
          ['id'],
        );
      }
      return current;
    });
  }
}

/** A staff override of the warehouse flow, for fulfillment to stop working on the order. */
function recordOverride(
  tx: EntityManager,
  orderId: string,
  status: OrderOverriddenEvent['status'],
): Promise<void> {
  const event: OrderOverriddenEvent = { orderId, status };
  return recordEvent(tx, 'orders', ORDER_OVERRIDDEN_TOPIC, event);
}

/**
 * CONFIRMED is the status fulfillment starts from: the payment is captured, so goods may
 * leave (PENDING is only authorized and may still be voided).
 */
async function recordConfirmed(tx: EntityManager, order: OrderRow): Promise<void> {
  const lines = await tx
    .getRepository(OrderLineRow)
    .find({ where: { orderId: order.id }, order: { position: 'ASC' } });
  const event: OrderConfirmedEvent = {
    orderId: order.id,
    number: order.number,
    customerId: order.customerId,
    email: order.email,
    currency: order.currency,
    reservationId: order.reservationId,
    shippingAddress: order.shippingAddress,
    shippingMethod: order.shippingMethod && {
      ...order.shippingMethod,
      amount: order.shippingAmount,
    },
    lines: lines.map((l) => ({
      lineId: l.id,
      variantId: l.variantId,
      sku: l.sku,
      quantity: l.quantity,
    })),
    totalAmount: order.totalAmount,
    tenders: tendersOf(order),
  };
  await recordEvent(tx, 'orders', ORDER_CONFIRMED_TOPIC, event);
}
