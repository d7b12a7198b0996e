import type { DataSource } from 'typeorm';
import { createLogger } from '../../../platform/logging';
import type { OrdersDirectory } from '../directories';
import { ReservationRow } from '../entities';
import { lockReservation, releaseLocked } from './reservations';

const log = createLogger('inventory');

/** Checkout's reservation references: `order:<order id>:<attempt>` (orders/checkout-service.ts). */
const ORDER_REFERENCE =
  /^order:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):\d+$/i;
const BATCH = 50;

export function orderIdOf(reference: string): string | null {
  return ORDER_REFERENCE.exec(reference)?.[1]?.toLowerCase() ?? null;
}

/**
 * A COMMITTED reservation holds stock for an order until it ships. When orders crashed
 * between committing the hold and writing the order (and nobody retried), the hold has no
 * order and would keep its units forever. After `minAgeSeconds` in COMMITTED, this asks
 * orders whether each such order exists and releases the holds of those orders answers
 * are missing. Only a clear "does not exist" releases: an orders outage, an error or an
 * answer that does not fit leaves every hold as it is, for the next run.
 */
export class OrphanReconciler {
  constructor(
    private readonly db: DataSource,
    private readonly orders: OrdersDirectory,
    private readonly minAgeSeconds: number,
  ) {}

  async releaseOrphanedReservations(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.minAgeSeconds * 1000);
    let released = 0;
    let after = '';
    for (;;) {
      const candidates = await this.db
        .getRepository(ReservationRow)
        .createQueryBuilder('r')
        .where(`r.status = 'COMMITTED' AND r.updated_at < :cutoff AND r.id > :after`, {
          cutoff,
          after: after || '00000000-0000-0000-0000-000000000000',
        })
        .orderBy('r.id', 'ASC')
        .limit(BATCH)
        .getMany();
      if (candidates.length === 0) return released;
      after = candidates.at(-1)!.id;
      const byOrder = new Map<string, ReservationRow[]>();
      for (const reservation of candidates) {
        const orderId = orderIdOf(reservation.reference);
        if (orderId) byOrder.set(orderId, [...(byOrder.get(orderId) ?? []), reservation]);
      }
      // Throws on an outage or an error: nothing is released on a guess.
      const existing = await this.orders.existing([...byOrder.keys()]);
      for (const [orderId, reservations] of byOrder) {
        if (existing.has(orderId)) continue;
        for (const reservation of reservations) {
          if (await this.release(reservation.id, cutoff)) released += 1;
        }
      }
      if (candidates.length < BATCH) return released;
    }
  }

  private release(id: string, cutoff: Date): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const reservation = await lockReservation(tx, id);
      // Re-checked under the lock: it may have shipped or been released meanwhile.
      if (reservation.status !== 'COMMITTED' || reservation.updatedAt >= cutoff) return false;
      await releaseLocked(tx, reservation, 'order never written');
      log.warn('released a committed reservation whose order does not exist', {
        reservationId: reservation.id,
        reference: reservation.reference,
      });
      return true;
    });
  }
}
