import { DomainError } from '../../../platform/errors';
import type { OrderStatus } from '../entities';

/** The order lifecycle; anything not listed here is refused. */
const NEXT: Record<OrderStatus, OrderStatus[]> = {
  PENDING: ['CONFIRMED', 'CANCELLED'],
  CONFIRMED: ['FULFILLED', 'CANCELLED', 'REFUNDED'],
  FULFILLED: ['DELIVERED', 'REFUNDED'],
  DELIVERED: ['REFUNDED'],
  CANCELLED: [],
  REFUNDED: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return NEXT[from].includes(to);
}

export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to)) {
    throw new DomainError('INVALID_ORDER_STATUS', `An order that is ${from} cannot become ${to}`, [
      'id',
    ]);
  }
}
