import type { DataSource } from 'typeorm';
import { afterFailure } from './backoff';

/**
 * The bookkeeping of a PostgreSQL delivery queue (notifications' emails, webhooks' POSTs),
 * on its `delivery` table: `status` PENDING → a done status, or DEAD; `attempts`,
 * `last_error`, `next_attempt_at`. `table` is the schema-qualified name, from code.
 */

/**
 * Counts a failed attempt: the next one after the backoff, or DEAD after the last. Only a
 * still-PENDING row at the attempt count read is changed, so a second sender that raced
 * this one cannot count the same attempt twice. `extra` columns are set beside.
 */
export async function recordFailedAttempt(
  db: DataSource,
  table: string,
  delivery: { id: string; attempts: number },
  error: string,
  policy: { maxAttempts: number; baseMs: number; maxMs: number },
  extra: Record<string, unknown> = {},
): Promise<'PENDING' | 'DEAD'> {
  const attempts = delivery.attempts + 1;
  const next = afterFailure(attempts, policy);
  const columns = Object.keys(extra);
  await db.query(
    `UPDATE ${table}
        SET attempts = $2, last_error = $3, status = $4,
            next_attempt_at = now() + $5 * interval '1 millisecond'
            ${columns.map((column, i) => `, ${column} = $${i + 7}`).join('')}
      WHERE id = $1 AND status = 'PENDING' AND attempts = $6`,
    [
      delivery.id,
      attempts,
      error.slice(0, 1000),
      next.dead ? 'DEAD' : 'PENDING',
      next.dead ? 0 : next.delayMs,
      delivery.attempts,
      ...columns.map((column) => extra[column]),
    ],
  );
  return next.dead ? 'DEAD' : 'PENDING';
}

/**
 * Staff's retry: a dead (or waiting) delivery goes out at the next run, with fresh attempts
 * when it was dead. Returns the row (`returning` columns), or null when there is no such
 * delivery or it is already `doneStatus` (the caller says which).
 */
export async function requeueDelivery<T>(
  db: DataSource,
  table: string,
  id: string,
  doneStatus: string,
  returning: string,
): Promise<T | null> {
  // An UPDATE … RETURNING answers [rows, affected count] through TypeORM.
  const [rows]: [T[], number] = await db.query(
    `UPDATE ${table} d
        SET status = 'PENDING', next_attempt_at = now(),
            attempts = CASE WHEN status = 'DEAD' THEN 0 ELSE attempts END
      WHERE id = $1 AND status <> $2
      RETURNING ${returning}`,
    [id, doneStatus],
  );
  return rows[0] ?? null;
}
