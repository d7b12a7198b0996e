import type { DataSource } from 'typeorm';

/** One try of a delivery: its error is null when the endpoint answered 2xx. */
export interface DeliveryAttempt {
  deliveryId: string;
  attemptedAt: Date;
  durationMs: number;
  responseStatus: number | null;
  error: string | null;
}

/** The per-try ledger (webhooks.delivery_attempt), written by the sender after each try. */
export class DeliveryAttempts {
  constructor(private readonly db: DataSource) {}

  async record(attempt: DeliveryAttempt): Promise<void> {
    await this.db.query(
      `INSERT INTO webhooks.delivery_attempt
         (delivery_id, attempted_at, duration_ms, response_status, error)
       VALUES ($1, $2, $3, $4, $5)`,
      [
        attempt.deliveryId,
        attempt.attemptedAt,
        attempt.durationMs,
        attempt.responseStatus,
        attempt.error?.slice(0, 1000) ?? null,
      ],
    );
  }

  /** Each delivery's tries, oldest first (one query for a page of deliveries). */
  async forDeliveries(ids: readonly string[]): Promise<DeliveryAttempt[][]> {
    const rows: DeliveryAttempt[] = await this.db.query(
      `SELECT delivery_id AS "deliveryId", attempted_at AS "attemptedAt",
              duration_ms AS "durationMs", response_status AS "responseStatus", error
         FROM webhooks.delivery_attempt WHERE delivery_id = ANY($1::uuid[]) ORDER BY id`,
      [ids],
    );
    return ids.map((id) => rows.filter((r) => r.deliveryId === id));
  }
}
