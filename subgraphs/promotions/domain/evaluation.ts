import { type EntityManager, In } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { computeQuote, type DiscountRule, ineligibility, type Quote } from '../discounts';
import { CouponRow, PromotionRow } from '../entities';
import { PromotionsErrorCode } from '../errors';
import type { NormalizedDiscountInput } from './input';
import { isRunning, runningAutomatic, toRule } from './promotions';

/** The rules the calculation ran with, and the coupons whose promotion it applied. */
export interface Evaluation {
  quote: Quote;
  rejected: DomainError[];
  /** Applied coupons with their index in couponCodes, in id order (the lock order). */
  coupons: { coupon: CouponRow; index: number }[];
}

/**
 * Checks every entered code, then computes the quote with the accepted coupons'
 * promotions and the automatic promotions running at `at`. Three statements.
 */
export async function evaluate(
  manager: EntityManager,
  input: NormalizedDiscountInput,
  at: Date,
  forRedemption: boolean,
  holdTtlMs: number,
): Promise<Evaluation> {
  const { cart, customerKey, codes } = input;
  const coupons = codes.length
    ? await manager.getRepository(CouponRow).findBy({ code: In(codes.map((c) => c.code)) })
    : [];
  const couponByCode = new Map(coupons.map((c) => [c.code, c]));
  const customerUses = new Map<string, number>();
  const limited = coupons.filter((c) => c.perCustomerLimit !== null);
  if (customerKey && limited.length > 0) {
    const rows: { coupon_id: string; uses: number }[] = await manager.query(
      `SELECT coupon_id, count(*)::int AS uses FROM promotions.coupon_redemption
        WHERE coupon_id = ANY($1::uuid[]) AND customer_key = $2 AND status <> 'RELEASED'
          AND NOT (status = 'RESERVED' AND updated_at < now() - make_interval(secs => $3))
        GROUP BY coupon_id`,
      [limited.map((c) => c.id), customerKey, holdTtlMs / 1000],
    );
    for (const row of rows) customerUses.set(row.coupon_id, row.uses);
  }

  const candidates = await runningAutomatic(
    manager.getRepository(PromotionRow).createQueryBuilder('p'),
    at,
    coupons.map((c) => c.promotionId),
  )
    .addSelect(['c.startsAt', 'c.endsAt', 'c.active'])
    .getRawAndEntities();
  const promotionById = new Map(candidates.entities.map((p) => [p.id, p]));
  const windowOf = new Map(
    candidates.raw.map((raw: Record<string, unknown>) => [
      raw.p_id as string,
      {
        startsAt: raw.c_starts_at as Date,
        endsAt: raw.c_ends_at as Date | null,
        active: raw.c_active as boolean,
      },
    ]),
  );

  const rules = new Map<string, DiscountRule>();
  const couponOfPromotion = new Map<string, { coupon: CouponRow; index: number }>();
  const rejected: DomainError[] = [];
  for (const { index, code } of codes) {
    const field = ['couponCodes', String(index)];
    const refuse = (errorCode: PromotionsErrorCode, message: string) =>
      rejected.push(new DomainError(errorCode, message, field));
    const coupon = couponByCode.get(code);
    const promotion = coupon && promotionById.get(coupon.promotionId);
    const window = coupon && windowOf.get(coupon.promotionId);
    if (!coupon || !promotion || !window) {
      refuse(PromotionsErrorCode.COUPON_NOT_FOUND, `Coupon ${code} does not exist`);
      continue;
    }
    if (!promotion.active || !window.active || (window.endsAt && window.endsAt <= at)) {
      refuse(PromotionsErrorCode.COUPON_EXPIRED, `Coupon ${code} has expired`);
      continue;
    }
    if (window.startsAt > at) {
      refuse(PromotionsErrorCode.COUPON_NOT_APPLICABLE, `Coupon ${code} is not valid yet`);
      continue;
    }
    if (coupon.usageLimit !== null && coupon.usedCount >= coupon.usageLimit) {
      refuse(PromotionsErrorCode.COUPON_EXHAUSTED, `Coupon ${code} has been used up`);
      continue;
    }
    if (coupon.perCustomerLimit !== null) {
      if (customerKey && (customerUses.get(coupon.id) ?? 0) >= coupon.perCustomerLimit) {
        refuse(PromotionsErrorCode.COUPON_CUSTOMER_LIMIT, `You have already used coupon ${code}`);
        continue;
      }
      if (!customerKey && forRedemption) {
        refuse(PromotionsErrorCode.COUPON_NOT_APPLICABLE, `Coupon ${code} needs a known customer`);
        continue;
      }
    }
    if (couponOfPromotion.has(promotion.id)) {
      refuse(
        PromotionsErrorCode.COUPON_NOT_APPLICABLE,
        `Another coupon for the same promotion is already applied`,
      );
      continue;
    }
    const rule = toRule(promotion, code);
    const reason = ineligibility(rule, cart);
    if (reason) {
      refuse(PromotionsErrorCode.COUPON_NOT_APPLICABLE, `Coupon ${code} does not apply: ${reason}`);
      continue;
    }
    rules.set(promotion.id, rule);
    couponOfPromotion.set(promotion.id, { coupon, index });
  }
  for (const promotion of candidates.entities) {
    if (
      rules.has(promotion.id) ||
      promotion.requiresCoupon ||
      !isRunning(promotion, windowOf.get(promotion.id), at)
    )
      continue;
    rules.set(promotion.id, toRule(promotion, null));
  }

  const quote = computeQuote(cart, [...rules.values()]);
  const applied = quote.applied
    .map((a) => (a.code ? couponOfPromotion.get(a.promotionId) : undefined))
    .filter((c): c is { coupon: CouponRow; index: number } => c !== undefined)
    .sort((a, b) => (a.coupon.id < b.coupon.id ? -1 : 1));
  return { quote, rejected, coupons: applied };
}
