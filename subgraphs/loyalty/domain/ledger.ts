import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { LoyaltyErrorCode as Code } from '../errors';

/** A lot's share of a debit: what a release puts back where it came from. */
export interface LotTake {
  lotId: string;
  points: number;
}

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** Eight characters without look-alikes (0/O, 1/I): a referral code read aloud survives. */
export function newReferralCode(): string {
  const bytes = randomBytes(8);
  return [...bytes].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
}

/**
 * The points side of the ledger, in plain SQL inside the caller's transaction. Every change
 * writes one `ledger` row keyed by its cause (`reference` is unique): a cause seen again
 * changes nothing. A debit is one conditional UPDATE of the balance (`>= n`), which takes
 * the account's row lock, so concurrent redemptions queue on it and none overdraws; the lots
 * are then consumed oldest first under that lock.
 */
export class PointsLedger {
  async ensureAccount(tx: EntityManager, customerId: string): Promise<void> {
    // A code collision (one in 32^8) only retries the insert with another code.
    for (let attempt = 0; attempt < 3; attempt++) {
      const rows: { customer_id: string }[] = await tx.query(
        `INSERT INTO loyalty.account (customer_id, referral_code) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING customer_id`,
        [customerId, newReferralCode()],
      );
      if (rows.length) return;
      const exists: unknown[] = await tx.query(
        `SELECT 1 FROM loyalty.account WHERE customer_id = $1`,
        [customerId],
      );
      if (exists.length) return;
    }
  }

  /** Credits `points` as a new lot expiring at `expiresAt`; false when `reference` was credited already. */
  async credit(
    tx: EntityManager,
    entry: {
      customerId: string;
      points: number;
      kind: string;
      reference: string;
      note?: string;
      at: Date;
      expiresAt: Date;
    },
  ): Promise<boolean> {
    if (entry.points <= 0) return false;
    await this.ensureAccount(tx, entry.customerId);
    const fresh = await this.record(tx, entry.customerId, entry.kind, entry.points, entry);
    if (!fresh) return false;
    await tx.query(
      `INSERT INTO loyalty.points_lot (customer_id, points, remaining, earned_at, expires_at)
       VALUES ($1, $2, $2, $3, $4)`,
      [entry.customerId, entry.points, entry.at, entry.expiresAt],
    );
    await tx.query(
      `UPDATE loyalty.account SET points_balance = points_balance + $2 WHERE customer_id = $1`,
      [entry.customerId, entry.points],
    );
    return true;
  }

  /**
   * Debits exactly `points` (INSUFFICIENT_POINTS when the balance is short) or, with
   * `upTo`, as many as are left (a clawback after the points were spent). Returns the lots
   * taken from; empty when `reference` was debited already.
   */
  async debit(
    tx: EntityManager,
    entry: { customerId: string; points: number; kind: string; reference: string; note?: string },
    options: { upTo?: boolean; field?: string[] } = {},
  ): Promise<LotTake[]> {
    if (entry.points <= 0) return [];
    let points = entry.points;
    if (options.upTo) {
      // A clawback takes what is left: the row lock makes the read and the write one step.
      const rows: { points_balance: string }[] = await tx.query(
        `SELECT points_balance FROM loyalty.account WHERE customer_id = $1 FOR UPDATE`,
        [entry.customerId],
      );
      points = Math.min(points, Number(rows[0]?.points_balance ?? 0));
      if (points === 0) return [];
    }
    const taken = returnedRows(
      await tx.query(
        `UPDATE loyalty.account SET points_balance = points_balance - $2
         WHERE customer_id = $1 AND points_balance >= $2 RETURNING customer_id`,
        [entry.customerId, points],
      ),
    );
    if (taken.length === 0) {
      throw new DomainError(
        Code.INSUFFICIENT_POINTS,
        `Fewer than ${entry.points} points are available`,
        options.field ?? null,
      );
    }
    if (points === 0) return [];
    const fresh = await this.record(tx, entry.customerId, entry.kind, -points, entry);
    if (!fresh) {
      // Seen before: the balance change above is undone with the same lock held.
      await tx.query(
        `UPDATE loyalty.account SET points_balance = points_balance + $2 WHERE customer_id = $1`,
        [entry.customerId, points],
      );
      return [];
    }
    return this.consumeLots(tx, entry.customerId, points);
  }

  /** Puts points back into the lots they came from (a released checkout hold). */
  async restoreLots(
    tx: EntityManager,
    customerId: string,
    takes: LotTake[],
    reference: string,
  ): Promise<boolean> {
    const total = takes.reduce((sum, t) => sum + t.points, 0);
    if (total <= 0) return false;
    if (!(await this.record(tx, customerId, 'RELEASE', total, { reference }))) return false;
    for (const take of takes) {
      await tx.query(`UPDATE loyalty.points_lot SET remaining = remaining + $2 WHERE id = $1`, [
        take.lotId,
        take.points,
      ]);
    }
    await tx.query(
      `UPDATE loyalty.account SET points_balance = points_balance + $2 WHERE customer_id = $1`,
      [customerId, total],
    );
    return true;
  }

  /** What is left of one lot leaves the balance, once, when it is due at `now`. */
  async expireLot(tx: EntityManager, lotId: string, now: Date): Promise<number> {
    const lots: { customer_id: string; remaining: string }[] = await tx.query(
      `SELECT customer_id, remaining FROM loyalty.points_lot
       WHERE id = $1 AND remaining > 0 AND expires_at <= $2 FOR UPDATE`,
      [lotId, now],
    );
    const lot = lots[0];
    if (!lot) return 0;
    const points = Number(lot.remaining);
    // The lot's remaining is part of the balance (balance = sum of remaining), so this holds.
    await tx.query(
      `UPDATE loyalty.account SET points_balance = points_balance - $2 WHERE customer_id = $1`,
      [lot.customer_id, points],
    );
    await tx.query(`UPDATE loyalty.points_lot SET remaining = 0 WHERE id = $1`, [lotId]);
    await this.record(tx, lot.customer_id, 'EXPIRE', -points, {
      reference: `expire:${lotId}:${now.toISOString()}`,
      note: 'Points expired',
    });
    return points;
  }

  private async consumeLots(tx: EntityManager, customerId: string, points: number) {
    const lots: { id: string; remaining: string }[] = await tx.query(
      `SELECT id, remaining FROM loyalty.points_lot
       WHERE customer_id = $1 AND remaining > 0 ORDER BY earned_at, id FOR UPDATE`,
      [customerId],
    );
    const takes: LotTake[] = [];
    let left = points;
    for (const lot of lots) {
      if (left === 0) break;
      const take = Math.min(left, Number(lot.remaining));
      await tx.query(`UPDATE loyalty.points_lot SET remaining = remaining - $2 WHERE id = $1`, [
        lot.id,
        take,
      ]);
      takes.push({ lotId: lot.id, points: take });
      left -= take;
    }
    return takes;
  }

  private async record(
    tx: EntityManager,
    customerId: string,
    kind: string,
    points: number,
    entry: { reference: string; note?: string },
  ): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO loyalty.ledger (customer_id, kind, points, reference, note)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (reference) DO NOTHING RETURNING id`,
      [customerId, kind, points, entry.reference, entry.note ?? null],
    );
    return rows.length > 0;
  }
}

/**
 * The rows of an UPDATE … RETURNING: TypeORM's postgres driver answers UPDATE and DELETE
 * with `[rows, affected]` (SELECT and INSERT with the rows alone).
 */
export function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return result as T[];
}
