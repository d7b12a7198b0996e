import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../../../../platform/errors';
import { CheckoutAttemptRow, type StepProgress } from '../../entities';
import { OrdersErrorCode } from '../../errors';

export interface AttemptTimings {
  /** How long an attempt holds its key without renewing the lease. */
  leaseMs: number;
  /** How long a request waits for a running attempt with its key before answering in-progress. */
  waitMs: number;
}

/** The holder of a key: its fencing token (attempt), the generation naming its effects, the steps taken. */
export interface AttemptLease {
  key: string;
  attempt: number;
  generation: number;
  orderId: string;
  steps: StepProgress;
}

export type AttemptDecision =
  | ({ kind: 'run' } & AttemptLease)
  | { kind: 'placed'; orderId: string }
  | { kind: 'failed'; failure: DomainError };

/** The key's attempt is running elsewhere; the client should retry after `retryAfterMs`. */
export class CheckoutInProgressError extends DomainError {
  constructor(readonly retryAfterMs: number) {
    super(
      OrdersErrorCode.CHECKOUT_IN_PROGRESS,
      'This checkout is still being processed; retry with the same idempotencyKey',
      ['idempotencyKey'],
    );
  }
}

/** Someone else holds the key now (our lease lapsed): stop, and undo nothing they may adopt. */
export class LeaseLostError extends Error {
  constructor(key: string) {
    super(`checkout ${key}: the lease was taken over`);
  }
}

/**
 * The checkout idempotency key: the first request with a key runs; a request with the
 * same key and the same input gets the first one's answer (waiting a little while it is
 * still running, then CHECKOUT_IN_PROGRESS); the same key with a different input is
 * refused. A running attempt renews a short lease; one whose lease ran out (a crash) is
 * taken over with its steps, so the retry adopts the effects already taken. Every write
 * of a holder is fenced by its attempt number.
 */
export class CheckoutAttempts {
  constructor(
    private readonly db: DataSource,
    private readonly timings: AttemptTimings,
  ) {}

  async begin(key: string, requestHash: string, orderId: string): Promise<AttemptDecision> {
    const inserted: unknown[] = await this.db.query(
      `INSERT INTO orders.checkout_attempt (idempotency_key, request_hash, status, attempt, generation, order_id, lease_until)
       VALUES ($1, $2, 'IN_PROGRESS', 1, 1, $3, now() + make_interval(secs => $4))
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING idempotency_key`,
      [key, requestHash, orderId, this.timings.leaseMs / 1000],
    );
    if (inserted.length === 1) {
      return { kind: 'run', key, attempt: 1, generation: 1, orderId, steps: {} };
    }

    const deadline = Date.now() + this.timings.waitMs;
    for (;;) {
      const decision = await this.db.transaction((tx) => this.decide(tx, key, requestHash));
      if (!('leaseLeftMs' in decision)) return decision;
      if (Date.now() + 50 > deadline) {
        throw new CheckoutInProgressError(Math.max(250, Math.ceil(decision.leaseLeftMs)));
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async decide(
    tx: EntityManager,
    key: string,
    requestHash: string,
  ): Promise<AttemptDecision | { leaseLeftMs: number }> {
    const row = await lockRow(tx, key);
    if (row.requestHash !== requestHash) {
      return {
        kind: 'failed',
        failure: new DomainError(
          OrdersErrorCode.IDEMPOTENCY_KEY_REUSED,
          'This idempotency key was used for another checkout',
          ['idempotencyKey'],
        ),
      };
    }
    if (row.status === 'SUCCEEDED') return { kind: 'placed', orderId: row.orderId };
    if (row.status === 'FAILED') {
      return {
        kind: 'failed',
        failure: new DomainError(row.failure!.code, row.failure!.message, row.failure!.field),
      };
    }
    const [lease] = (await tx.query(
      `SELECT extract(epoch FROM lease_until - now()) * 1000 AS left FROM orders.checkout_attempt WHERE idempotency_key = $1`,
      [key],
    )) as { left: string }[];
    const leaseLeftMs = Number(lease?.left ?? 0);
    if (row.status === 'IN_PROGRESS' && leaseLeftMs > 0) return { leaseLeftMs };
    // RETRYABLE (its effects were undone, a new generation) or a lapsed lease (adopt its steps).
    await tx.query(
      `UPDATE orders.checkout_attempt
          SET status = 'IN_PROGRESS', attempt = attempt + 1, failure = NULL,
              lease_until = now() + make_interval(secs => $2), updated_at = now()
        WHERE idempotency_key = $1`,
      [key, this.timings.leaseMs / 1000],
    );
    return {
      kind: 'run',
      key,
      attempt: row.attempt + 1,
      generation: row.generation,
      orderId: row.orderId,
      steps: row.steps ?? {},
    };
  }

  /** Extends the holder's lease; false once someone else holds the key. */
  async renew(lease: AttemptLease): Promise<boolean> {
    const [, updated] = await this.db.query(
      `UPDATE orders.checkout_attempt SET lease_until = now() + make_interval(secs => $3)
        WHERE idempotency_key = $1 AND attempt = $2 AND status = 'IN_PROGRESS'`,
      [lease.key, lease.attempt, this.timings.leaseMs / 1000],
    );
    return Number(updated) === 1;
  }

  /** Records a step's progress (before it acts, and with its output after), fenced by the attempt. */
  async record(lease: AttemptLease, step: string, progress: StepProgress[string]): Promise<void> {
    await this.recordSteps(lease, { [step]: progress });
  }

  /**
   * Records progress of several steps in one statement (a step's `done` with the next
   * one's `started`: one round trip less per step; a crash between the two would leave
   * what a crash just after `started` leaves anyway, undone the same way).
   */
  async recordSteps(lease: AttemptLease, progress: StepProgress): Promise<void> {
    Object.assign(lease.steps, progress);
    const [, updated] = await this.db.query(
      `UPDATE orders.checkout_attempt SET steps = steps || $3::jsonb, updated_at = now()
        WHERE idempotency_key = $1 AND attempt = $2 AND status = 'IN_PROGRESS'`,
      [lease.key, lease.attempt, JSON.stringify(progress)],
    );
    if (Number(updated) !== 1) throw new LeaseLostError(lease.key);
  }

  /**
   * Marks the key placed, inside the transaction that writes the order, with the progress
   * of the last step; refuses a lost lease.
   */
  async succeed(
    tx: EntityManager,
    lease: AttemptLease,
    progress: StepProgress = {},
  ): Promise<void> {
    // One conditional UPDATE: it takes the row lock and checks the fence as it writes, with
    // the last step's progress.
    const [, updated] = await tx.query(
      `UPDATE orders.checkout_attempt
          SET status = 'SUCCEEDED', steps = steps || $3::jsonb, updated_at = now()
        WHERE idempotency_key = $1 AND attempt = $2 AND status = 'IN_PROGRESS'`,
      [lease.key, lease.attempt, JSON.stringify(progress)],
    );
    if (Number(updated) !== 1) throw new LeaseLostError(lease.key);
  }

  /**
   * The attempt ended with its effects undone: FAILED for good, or RETRYABLE with the next
   * generation (fresh references: the callees refuse to reuse a released one).
   */
  async fail(lease: AttemptLease, failure: DomainError, retryable: boolean): Promise<void> {
    await this.db.query(
      `UPDATE orders.checkout_attempt
          SET status = $3, failure = $4, generation = generation + 1, steps = '{}', updated_at = now()
        WHERE idempotency_key = $1 AND attempt = $2 AND status = 'IN_PROGRESS'`,
      [
        lease.key,
        lease.attempt,
        retryable ? 'RETRYABLE' : 'FAILED',
        JSON.stringify({ code: failure.code, message: failure.message, field: failure.field }),
      ],
    );
  }

  /**
   * Takes over one attempt whose lease expired (its process died and nobody retried), for
   * the recovery sweeper; SKIP LOCKED lets replicas share the work.
   */
  async claimAbandoned(): Promise<AttemptLease | null> {
    const [rows]: [
      {
        idempotency_key: string;
        attempt: number;
        generation: number;
        order_id: string;
        steps: StepProgress;
      }[],
      number,
    ] = await this.db.query(
      `UPDATE orders.checkout_attempt a
          SET attempt = a.attempt + 1, lease_until = now() + make_interval(secs => $1), updated_at = now()
        WHERE a.idempotency_key = (
          SELECT idempotency_key FROM orders.checkout_attempt
           WHERE status = 'IN_PROGRESS' AND lease_until < now()
           ORDER BY lease_until LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING a.idempotency_key, a.attempt, a.generation, a.order_id, a.steps`,
      [this.timings.leaseMs / 1000],
    );
    const [row] = rows;
    if (!row) return null;
    return {
      key: row.idempotency_key,
      attempt: row.attempt,
      generation: row.generation,
      orderId: row.order_id,
      steps: row.steps,
    };
  }

  /** Keys older than the retention are forgotten; at least a day, as payment providers do. */
  async sweep(retentionDays: number): Promise<number> {
    const [, deleted] = await this.db.query(
      `DELETE FROM orders.checkout_attempt WHERE created_at < now() - make_interval(days => $1) AND status <> 'IN_PROGRESS'`,
      [Math.max(1, retentionDays)],
    );
    return Number(deleted ?? 0);
  }
}

function lockRow(tx: EntityManager, key: string): Promise<CheckoutAttemptRow> {
  return tx
    .getRepository(CheckoutAttemptRow)
    .createQueryBuilder('a')
    .setLock('pessimistic_write')
    .where('a.idempotency_key = :key', { key })
    .getOneOrFail();
}
