import type { DataSource } from 'typeorm';
import type { PointsLedger } from './ledger';

/**
 * The expiry job: every lot due at the clock's `now` gives up what is left of it, one lot
 * per short transaction (its row lock keeps replicas from expiring it twice, and SKIP LOCKED
 * lets them share the work). Returns the points expired, for the log and for tests.
 */
export async function expireDueLots(
  db: DataSource,
  ledger: PointsLedger,
  now: Date,
  batch = 500,
): Promise<number> {
  let expired = 0;
  for (;;) {
    const due: { id: string }[] = await db.query(
      `SELECT id FROM loyalty.points_lot WHERE remaining > 0 AND expires_at <= $1
       ORDER BY expires_at LIMIT $2`,
      [now, batch],
    );
    for (const lot of due) {
      expired += await db.transaction((tx) => ledger.expireLot(tx, lot.id, now));
    }
    if (due.length < batch) return expired;
  }
}
