import type { EntityManager } from 'typeorm';
import type { EventHandler } from '../../../platform/events/consume';
import { PAYMENT_CHANGED_TOPIC, type PaymentChangedEvent } from '../../../platform/topics';
import type { InventoryClient } from '../clients/inventory';
import { OrderRow, type OrderStatus } from '../entities';
import type { OrderService } from './orders';

interface Step {
  to: OrderStatus;
  note: string;
  /** The order's reserved stock goes back on the shelf. */
  release: boolean;
}

/**
 * What a payment's state means for its order, from the order's status: the steps that
 * bring the order in line, none when it already is. A payment voided before capture
 * cancels a PENDING order; a capture confirms it; a full refund refunds it (stock not yet
 * shipped goes back). Partial refunds and disputes change the payment, not the order.
 */
export function stepsFor(status: OrderStatus, payment: PaymentChangedEvent): Step[] {
  const refundedInFull =
    payment.capturedAmount > 0 && payment.refundedAmount >= payment.capturedAmount;
  if (payment.status === 'VOIDED') {
    return status === 'PENDING' ? [{ to: 'CANCELLED', note: 'Payment voided', release: true }] : [];
  }
  const steps: Step[] = [];
  let at = status;
  if (payment.capturedAmount > 0 && at === 'PENDING') {
    steps.push({ to: 'CONFIRMED', note: 'Payment captured', release: false });
    at = 'CONFIRMED';
  }
  if (refundedInFull && ['CONFIRMED', 'FULFILLED', 'DELIVERED'].includes(at)) {
    steps.push({ to: 'REFUNDED', note: 'Payment refunded', release: at === 'CONFIRMED' });
  }
  return steps;
}

/**
 * Payments' news, applied to the order: whoever changed the payment (orders itself, staff
 * through payments' own mutations, or the processor through a webhook), the order follows.
 * Changes orders asked for itself are skipped (its own step moves the order, with its own
 * note and status, such as CANCELLED rather than REFUNDED). An event for a payment that is not (or not yet) its order's is ignored: checkout
 * writes the order after the authorization, and the recovery sweeper handles the rest.
 */
export function paymentEventHandlers(
  orders: OrderService,
  inventory: InventoryClient,
): EventHandler<never>[] {
  const changed: EventHandler<PaymentChangedEvent> = {
    topic: PAYMENT_CHANGED_TOPIC,
    async handle(tx: EntityManager, event) {
      // Orders' own capture, cancel and refund move the order in the same request.
      if (event.changedBy === 'orders') return;
      const order = await tx
        .getRepository(OrderRow)
        .findOne({ where: { id: event.orderId }, lock: { mode: 'pessimistic_write' } });
      if (!order || order.paymentId !== event.paymentId) return;
      for (const step of stepsFor(order.status, event)) {
        // Idempotent in inventory: a redelivered event releases nothing more.
        if (step.release) await inventory.release(order.reservationId);
        if (!(await orders.advanceWithin(tx, order, step.to, step.note))) return;
        order.status = step.to;
      }
    },
  };
  return [changed] as EventHandler<never>[];
}
