import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { type CouponRow, OrderRedemptionRow, type RedemptionStatus } from '../entities';
import { PromotionsErrorCode } from '../errors';
import { evaluate } from './evaluation';
import { checkOrderRef, hashInput, normalizeDiscountInput } from './input';
import type { DiscountInput, DiscountRedeemInput, QuoteOutcome, RedeemOutcome } from './types';

/** Thrown inside a transaction to roll it back and hand the coupon errors out. */
class Rejected extends Error {
  constructor(readonly errors: DomainError[]) {
    super('rejected');
  }
}

/**
 * Quotes and the redemption ledger. Usage is counted with a conditional UPDATE of the
 * coupon row (used_count < usage_limit), which is the single serialization point for a
 * coupon: its row lock, held until commit, also guards the per-customer count, and the
 * CHECK constraint is the last line of defence. A redemption is a hold (RESERVED) until
 * the order is placed (CONFIRMED) or given up (RELEASED).
 */
export class Redemptions {
  /** `holdTtlMs`: a RESERVED hold older than this is dead (its checkout never finished). */
  constructor(
    private readonly db: DataSource,
    private readonly holdTtlMs: number,
  ) {}

  /** The discounts of a cart; no side effects. Refused coupons come back as errors beside the quote. */
  async quote(input: DiscountInput): Promise<QuoteOutcome> {
    const normalized = normalizeDiscountInput(input);
    const at = input.at ?? new Date();
    const { quote, rejected } = await evaluate(
      this.db.manager,
      normalized,
      at,
      false,
      this.holdTtlMs,
    );
    return { quote, rejected };
  }

  /**
   * Computes the quote and reserves one use of every applied coupon for `orderRef`, all
   * or nothing. A retry with the same orderRef (and the same input) returns the first
   * redemption and counts nothing again.
   */
  async redeem(input: DiscountRedeemInput): Promise<RedeemOutcome> {
    const orderRef = checkOrderRef(input.orderRef);
    const normalized = normalizeDiscountInput(input);
    const inputHash = hashInput(normalized);
    const existing = await this.db.getRepository(OrderRedemptionRow).findOneBy({ orderRef });
    if (existing) return { redemption: replay(existing, inputHash), rejected: [] };

    try {
      const redemption = await this.db.transaction(async (tx) => {
        // A concurrent call with the same orderRef waits here for the first to finish.
        const inserted: unknown[] = await tx.query(
          `INSERT INTO promotions.order_redemption (order_ref, customer_key, status, input_hash, quote)
           VALUES ($1, $2, 'RESERVED', $3, '{}') ON CONFLICT (order_ref) DO NOTHING RETURNING order_ref`,
          [orderRef, normalized.customerKey, inputHash],
        );
        if (inserted.length === 0) {
          return replay(
            await tx.getRepository(OrderRedemptionRow).findOneByOrFail({ orderRef }),
            inputHash,
          );
        }
        const evaluation = await evaluate(tx, normalized, new Date(), true, this.holdTtlMs);
        if (evaluation.rejected.length > 0) throw new Rejected(evaluation.rejected);
        for (const { coupon, index } of evaluation.coupons) {
          await reserveUse(tx, coupon, index, orderRef, normalized.customerKey, this.holdTtlMs);
        }
        await tx.query(`UPDATE promotions.order_redemption SET quote = $2 WHERE order_ref = $1`, [
          orderRef,
          JSON.stringify(evaluation.quote),
        ]);
        return tx.getRepository(OrderRedemptionRow).findOneByOrFail({ orderRef });
      });
      return { redemption, rejected: [] };
    } catch (error) {
      if (error instanceof Rejected) return { redemption: null, rejected: error.errors };
      throw error;
    }
  }

  /** RESERVED or CONFIRMED → RELEASED: every coupon use of the order is given back. Idempotent. */
  async release(orderRef: string): Promise<OrderRedemptionRow>;
  async release(
    orderRef: string,
    only: { onlyStaleHold: true },
  ): Promise<OrderRedemptionRow | null>;
  async release(
    orderRef: string,
    only?: { onlyStaleHold: true },
  ): Promise<OrderRedemptionRow | null> {
    const ref = checkOrderRef(orderRef);
    return this.db.transaction(async (tx) => {
      const redemption = await lockRedemption(tx, ref);
      if (only?.onlyStaleHold) {
        const age = Date.now() - redemption.updatedAt.getTime();
        if (redemption.status !== 'RESERVED' || age < this.holdTtlMs) return null;
      }
      if (redemption.status === 'RELEASED') return redemption;
      const [released]: { coupon_id: string }[][] = await tx.query(
        `UPDATE promotions.coupon_redemption SET status = 'RELEASED', updated_at = now()
          WHERE order_ref = $1 AND status <> 'RELEASED' RETURNING coupon_id`,
        [ref],
      );
      // One use per coupon and order (UNIQUE); coupons in id order, like redeem locks them.
      for (const couponId of released!.map((r) => r.coupon_id).sort()) {
        await tx.query(`UPDATE promotions.coupon SET used_count = used_count - 1 WHERE id = $1`, [
          couponId,
        ]);
      }
      return setStatus(tx, ref, 'RELEASED');
    });
  }

  /**
   * Releases holds (RESERVED redemptions) older than the TTL: the checkout that made them
   * crashed and was never retried, so their coupon uses go back. Returns the refs released.
   */
  async releaseStaleHolds(limit = 100): Promise<string[]> {
    const stale: { order_ref: string }[] = await this.db.query(
      `SELECT order_ref FROM promotions.order_redemption
        WHERE status = 'RESERVED' AND updated_at < now() - make_interval(secs => $1)
        ORDER BY updated_at LIMIT $2`,
      [this.holdTtlMs / 1000, limit],
    );
    const released: string[] = [];
    for (const { order_ref: ref } of stale) {
      // Only if it is still a stale hold under the lock: a checkout may confirm it meanwhile.
      if (await this.release(ref, { onlyStaleHold: true })) released.push(ref);
    }
    return released;
  }

  /** RESERVED → CONFIRMED (the order was placed). Idempotent; a released redemption is refused. */
  async confirm(orderRef: string): Promise<OrderRedemptionRow> {
    const ref = checkOrderRef(orderRef);
    return this.db.transaction(async (tx) => {
      const redemption = await lockRedemption(tx, ref);
      if (redemption.status === 'CONFIRMED') return redemption;
      if (redemption.status === 'RELEASED') {
        throw new DomainError(
          PromotionsErrorCode.REDEMPTION_RELEASED,
          `The discounts of order ${ref} were released`,
          ['orderRef'],
        );
      }
      await tx.query(
        `UPDATE promotions.coupon_redemption SET status = 'CONFIRMED', updated_at = now()
          WHERE order_ref = $1 AND status = 'RESERVED'`,
        [ref],
      );
      return setStatus(tx, ref, 'CONFIRMED');
    });
  }
}

/**
 * Takes one use of a coupon for an order. The conditional UPDATE never lets used_count
 * pass usage_limit and locks the coupon row until commit, so the per-customer count that
 * follows cannot race with another checkout of the same coupon.
 */
async function reserveUse(
  tx: EntityManager,
  coupon: CouponRow,
  index: number,
  orderRef: string,
  customerKey: string | null,
  holdTtlMs: number,
): Promise<void> {
  const field = ['couponCodes', String(index)];
  const [updated]: { id: string }[][] = await tx.query(
    `UPDATE promotions.coupon SET used_count = used_count + 1
      WHERE id = $1 AND (usage_limit IS NULL OR used_count < usage_limit)
      RETURNING id`,
    [coupon.id],
  );
  if (!updated || updated.length === 0) {
    throw new Rejected([
      new DomainError(
        PromotionsErrorCode.COUPON_EXHAUSTED,
        `Coupon ${coupon.code} has been used up`,
        field,
      ),
    ]);
  }
  if (coupon.perCustomerLimit !== null && customerKey) {
    const [counted]: { uses: number }[] = await tx.query(
      `SELECT count(*)::int AS uses FROM promotions.coupon_redemption
        WHERE coupon_id = $1 AND customer_key = $2 AND status <> 'RELEASED'
          -- A stale hold (its checkout crashed) is not a use: a retry must not be refused by it.
          AND NOT (status = 'RESERVED' AND updated_at < now() - make_interval(secs => $3))`,
      [coupon.id, customerKey, holdTtlMs / 1000],
    );
    if (counted!.uses >= coupon.perCustomerLimit) {
      throw new Rejected([
        new DomainError(
          PromotionsErrorCode.COUPON_CUSTOMER_LIMIT,
          `You have already used coupon ${coupon.code}`,
          field,
        ),
      ]);
    }
  }
  await tx.query(
    `INSERT INTO promotions.coupon_redemption (coupon_id, order_ref, customer_key, status)
     VALUES ($1, $2, $3, 'RESERVED')`,
    [coupon.id, orderRef, customerKey],
  );
}

function replay(existing: OrderRedemptionRow, inputHash: string): OrderRedemptionRow {
  if (existing.inputHash !== inputHash) {
    throw new DomainError(
      PromotionsErrorCode.IDEMPOTENCY_KEY_REUSED,
      'That orderRef was redeemed with another cart',
      ['orderRef'],
    );
  }
  if (existing.status === 'RELEASED') {
    throw new DomainError(
      PromotionsErrorCode.REDEMPTION_RELEASED,
      `The discounts of order ${existing.orderRef} were released`,
      ['orderRef'],
    );
  }
  return existing;
}

async function lockRedemption(tx: EntityManager, orderRef: string): Promise<OrderRedemptionRow> {
  const redemption = await tx
    .getRepository(OrderRedemptionRow)
    .createQueryBuilder('r')
    .where('r.order_ref = :orderRef', { orderRef })
    .setLock('pessimistic_write')
    .getOne();
  if (!redemption)
    throw new DomainError(
      PromotionsErrorCode.NOT_FOUND,
      `No discounts were redeemed for order ${orderRef}`,
      ['orderRef'],
    );
  return redemption;
}

async function setStatus(
  tx: EntityManager,
  orderRef: string,
  status: RedemptionStatus,
): Promise<OrderRedemptionRow> {
  await tx
    .getRepository(OrderRedemptionRow)
    .update({ orderRef }, { status, updatedAt: () => 'now()' });
  return tx.getRepository(OrderRedemptionRow).findOneByOrFail({ orderRef });
}
