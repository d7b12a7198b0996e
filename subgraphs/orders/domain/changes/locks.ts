import type { EntityManager } from 'typeorm';
import { DomainError } from '../../../../platform/errors';
import { OrderChangeRow, OrderRow } from '../../entities';
import { OrdersErrorCode } from '../../errors';

/** The change row, locked; a change is always locked before its order. */
export async function lockChange(
  tx: EntityManager,
  id: string,
  field: string[],
): Promise<OrderChangeRow> {
  const change = await tx
    .getRepository(OrderChangeRow)
    .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  if (!change)
    throw new DomainError(OrdersErrorCode.NOT_FOUND, `Change ${id} was not found`, field);
  return change;
}

export async function lockOrder(tx: EntityManager, id: string): Promise<OrderRow> {
  return tx
    .getRepository(OrderRow)
    .findOneOrFail({ where: { id }, lock: { mode: 'pessimistic_write' } });
}

export function staleError(version: number, seen: number): DomainError {
  return new DomainError(
    OrdersErrorCode.ORDER_CHANGE_STALE,
    `The order changed since this preview (version ${seen}, now ${version}, or a change is being committed): preview again`,
    ['input', 'changeId'],
  );
}
