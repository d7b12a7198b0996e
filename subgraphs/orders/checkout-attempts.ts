import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../../platform/errors';
import { CheckoutAttemptRow } from './entities';

/** How long one attempt may run before another request with its key may take it over. */
const LEASE_SECONDS = 60;
/** How long a request with a key that is being worked on waits for that work's answer. */
const WAIT_MS = 30_000;

export type AttemptDecision =
  | { kind: 'run'; attempt: number; orderId: string }
  | { kind: 'placed'; orderId: string }
  | { kind: 'failed'; failure: DomainError };

/**
 * The checkout idempotency key: the first request with a key runs; a request with the
 * same key and the same input gets the first one's answer (waiting while it is still
 * running); the same key with a different input is refused. An attempt that failed for
 * a passing reason (a provider outage) may run again; a crashed one is taken over when
 * its lease ends. Keys are kept (see the sweep), so answers hold for days, not seconds.
 */
export class CheckoutAttempts {
  constructor(private readonly db: DataSource) {}

  async begin(key: string, requestHash: string, orderId: string): Promise<AttemptDecision> {
    const inserted: unknown[] = await this.db.query(
      `INSERT INTO orders.checkout_attempt (idempotency_key, request_hash, status, attempt, order_id, lease_until)
       VALUES ($1, $2, 'IN_PROGRESS', 1, $3, now() + make_interval(secs => $4))
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING idempotency_key`,
      [key, requestHash, orderId, LEASE_SECONDS],
    );
    if (inserted.length === 1) return { kind: 'run', attempt: 1, orderId };

    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const decision = await this.db.transaction(async (tx) => {
        const row = await tx
          .getRepository(CheckoutAttemptRow)
          .createQueryBuilder('a')
          .setLock('pessimistic_write')
          .where('a.idempotency_key = :key', { key })
          .getOneOrFail();
        if (row.requestHash !== requestHash) {
          return {
            kind: 'failed',
            failure: new DomainError(
              'IDEMPOTENCY_KEY_REUSED',
              'This idempotency key was used for another checkout',
              ['idempotencyKey'],
            ),
          } as const;
        }
        if (row.status === 'SUCCEEDED') return { kind: 'placed', orderId: row.orderId } as const;
        if (row.status === 'FAILED')
          return {
            kind: 'failed',
            failure: new DomainError(row.failure!.code, row.failure!.message, row.failure!.field),
          } as const;
        const leaseOver = row.leaseUntil.getTime() <= Date.now();
        if (row.status === 'RETRYABLE' || leaseOver) {
          await tx.query(
            `UPDATE orders.checkout_attempt
                SET status = 'IN_PROGRESS', attempt = attempt + 1, failure = NULL,
                    lease_until = now() + make_interval(secs => $2), updated_at = now()
              WHERE idempotency_key = $1`,
            [key, LEASE_SECONDS],
          );
          return { kind: 'run', attempt: row.attempt + 1, orderId: row.orderId } as const;
        }
        return null;
      });
      if (decision) return decision;
      if (Date.now() > deadline) {
        return {
          kind: 'failed',
          failure: new DomainError(
            'CHECKOUT_IN_PROGRESS',
            'This checkout is still being processed; retry with the same key',
            ['idempotencyKey'],
          ),
        };
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Marks the key's attempt placed, inside the transaction that writes the order. */
  async succeed(tx: EntityManager, key: string): Promise<void> {
    await tx.query(
      `UPDATE orders.checkout_attempt SET status = 'SUCCEEDED', updated_at = now() WHERE idempotency_key = $1`,
      [key],
    );
  }

  async fail(key: string, failure: DomainError, retryable: boolean): Promise<void> {
    await this.db.query(
      `UPDATE orders.checkout_attempt SET status = $2, failure = $3, updated_at = now() WHERE idempotency_key = $1 AND status = 'IN_PROGRESS'`,
      [
        key,
        retryable ? 'RETRYABLE' : 'FAILED',
        JSON.stringify({ code: failure.code, message: failure.message, field: failure.field }),
      ],
    );
  }

  /** Keys older than the retention are forgotten; at least a day, as payment providers do. */
  async sweep(
    retentionDays = Number(process.env.IDEMPOTENCY_RETENTION_DAYS ?? 7),
  ): Promise<number> {
    const [, deleted] = await this.db.query(
      `DELETE FROM orders.checkout_attempt WHERE created_at < now() - make_interval(days => $1) AND status <> 'IN_PROGRESS'`,
      [Math.max(1, retentionDays)],
    );
    return Number(deleted ?? 0);
  }
}
