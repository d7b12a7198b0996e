import { isUniqueViolation } from '../../platform/db';
import { createHash, randomBytes } from 'node:crypto';
import {
  type DataSource,
  type EntityManager,
  In,
  type ObjectLiteral,
  type Repository,
  type SelectQueryBuilder,
} from 'typeorm';
import { DomainError } from '../../platform/errors';
import { type Connection, type PageRequest, toConnection } from '../../platform/pagination';
import {
  BASIS_POINTS,
  type Cart,
  type CartLine,
  computeQuote,
  type Conditions,
  type DiscountRule,
  ineligibility,
  type MinimumSubtotal,
  PROMOTION_KINDS,
  type PromotionKind,
  type Quote,
} from './discounts';
import {
  CampaignRow,
  CouponRow,
  OrderRedemptionRow,
  PromotionRow,
  type RedemptionStatus,
} from './entities';

export interface CampaignInput {
  name: string;
  startsAt: string;
  endsAt?: string | null;
  active?: boolean | null;
}

export interface ConditionsInput {
  minSubtotals?: MinimumSubtotal[] | null;
  productIds?: string[] | null;
  categoryIds?: string[] | null;
  brandIds?: string[] | null;
  customerSegments?: string[] | null;
}

export interface PromotionInput {
  campaignId: string;
  name: string;
  kind: PromotionKind;
  value?: number | null;
  currency?: string | null;
  buyQuantity?: number | null;
  getQuantity?: number | null;
  conditions?: ConditionsInput | null;
  exclusive?: boolean | null;
  priority?: number | null;
  requiresCoupon?: boolean | null;
}

export interface CouponInput {
  promotionId: string;
  code: string;
  usageLimit?: number | null;
  perCustomerLimit?: number | null;
}

export interface CouponsGenerateInput {
  promotionId: string;
  count: number;
  prefix?: string | null;
  length?: number | null;
  usageLimit?: number | null;
  perCustomerLimit?: number | null;
}

/** What a checkout asks about: the cart, who buys, which codes were entered. */
export interface DiscountInput {
  currency: string;
  customerKey?: string | null;
  customerSegments?: string[] | null;
  couponCodes?: string[] | null;
  shippingAmount?: number | null;
  /** The moment the campaign windows are checked at; now by default. */
  at?: Date | null;
  lines: CartLine[];
}

export interface DiscountRedeemInput extends Omit<DiscountInput, 'at'> {
  orderRef: string;
}

/** A quote and the coupons that were refused (each as the error to show). */
export interface QuoteOutcome {
  quote: Quote;
  rejected: DomainError[];
}

/** A redemption, or (with nothing reserved) the coupons that stood in its way. */
export type RedeemOutcome =
  { redemption: OrderRedemptionRow; rejected: [] } | { redemption: null; rejected: DomainError[] };

export const MAX_GENERATED_CODES = 10_000;
export const DEFAULT_GENERATED_LENGTH = 10;
const MIN_GENERATED_LENGTH = 6;
const MAX_GENERATED_LENGTH = 32;
/** Crockford-like alphabet without 0/O and 1/I: 32 symbols, so one random byte & 31 is unbiased. */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const MAX_GENERATE_ROUNDS = 20;
const CODE = /^[A-Z0-9][A-Z0-9_-]{2,63}$/;
const PREFIX = /^([A-Z0-9][A-Z0-9_-]{0,19})?$/;
const CURRENCY = /^[A-Z]{3}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;
const MAX_NAME_LENGTH = 200;
const MAX_KEY_LENGTH = 200;
const MAX_CUSTOMER_KEY_LENGTH = 320;
const MAX_SEGMENT_LENGTH = 64;
const MAX_CONDITION_ITEMS = 1000;
const MAX_LINES = 500;
const MAX_QUANTITY = 100_000;
const MAX_UNIT_PRICE = 1_000_000_000_000;
const MAX_COUPONS_PER_CART = 10;
const MAX_INT32 = 2_147_483_647;

/** A coupon entered at checkout, with where it was entered (its index in couponCodes). */
interface EnteredCode {
  index: number;
  code: string;
}

/** The rules the calculation ran with, and the coupons whose promotion it applied. */
interface Evaluation {
  quote: Quote;
  rejected: DomainError[];
  /** Applied coupons with their index in couponCodes, in id order (the lock order). */
  coupons: { coupon: CouponRow; index: number }[];
}

interface NormalizedDiscountInput {
  cart: Cart;
  customerKey: string | null;
  codes: EnteredCode[];
}

/** Thrown inside a transaction to roll it back and hand the coupon errors out. */
class Rejected extends Error {
  constructor(readonly errors: DomainError[]) {
    super('rejected');
  }
}

/**
 * Campaigns, promotions, coupons and their redemptions. Usage is counted with a
 * conditional UPDATE of the coupon row (used_count < usage_limit), which is the single
 * serialization point for a coupon: its row lock, held until commit, also guards the
 * per-customer count, and the CHECK constraint is the last line of defence.
 */
export class PromotionsService {
  private readonly campaigns: Repository<CampaignRow>;
  private readonly promotions: Repository<PromotionRow>;
  private readonly coupons: Repository<CouponRow>;
  private readonly orderRedemptions: Repository<OrderRedemptionRow>;

  /** `holdTtlMs`: a RESERVED hold older than this is dead (its checkout never finished). */
  constructor(
    private readonly db: DataSource,
    private readonly holdTtlMs = 30 * 60_000,
  ) {
    this.campaigns = db.getRepository(CampaignRow);
    this.promotions = db.getRepository(PromotionRow);
    this.coupons = db.getRepository(CouponRow);
    this.orderRedemptions = db.getRepository(OrderRedemptionRow);
  }

  campaignsByIds(ids: readonly string[]): Promise<CampaignRow[]> {
    return this.campaigns.findBy({ id: In([...ids]) });
  }

  promotionsByIds(ids: readonly string[]): Promise<PromotionRow[]> {
    return this.promotions.findBy({ id: In([...ids]) });
  }

  /** The promotions of many campaigns in one statement, highest priority first. */
  promotionsOfCampaigns(campaignIds: readonly string[]): Promise<PromotionRow[]> {
    return this.promotions.find({
      where: { campaignId: In([...campaignIds]) },
      order: { priority: 'DESC', name: 'ASC', id: 'ASC' },
    });
  }

  couponByCode(code: string): Promise<CouponRow | null> {
    return this.coupons.findOneBy({ code: code.trim().toUpperCase() });
  }

  /** Campaigns by window start, latest first, then id. */
  async listCampaigns(page: PageRequest): Promise<Connection<CampaignRow>> {
    const query = this.campaigns.createQueryBuilder('c');
    const totalCount = await query.clone().getCount();
    if (page.after) {
      const [startsAt, id] = page.after;
      query.where('(c.starts_at, c.id) < (CAST(:startsAt AS timestamptz), CAST(:id AS uuid))', {
        startsAt,
        id,
      });
    }
    const rows = await query
      .orderBy('c.starts_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .limit(page.limit + 1)
      .getMany();
    return toConnection(rows, page, (row) => [row.startsAt.toISOString(), row.id], totalCount);
  }

  /** The coupons of a promotion by code. */
  async listCoupons(promotionId: string, page: PageRequest): Promise<Connection<CouponRow>> {
    const query = this.coupons
      .createQueryBuilder('k')
      .where('k.promotion_id = :promotionId', { promotionId });
    const totalCount = await query.clone().getCount();
    if (page.after) query.andWhere('k.code > :afterCode', { afterCode: page.after[0] });
    const rows = await query
      .orderBy('k.code', 'ASC')
      .limit(page.limit + 1)
      .getMany();
    return toConnection(rows, page, (row) => [row.code], totalCount);
  }

  /** Automatic promotions running at `at` (for storefront banners), highest priority first. */
  activePromotions(limit: number, at = new Date()): Promise<PromotionRow[]> {
    return runningAutomatic(this.promotions.createQueryBuilder('p'), at)
      .orderBy('p.priority', 'DESC')
      .addOrderBy('p.name', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  async createCampaign(input: CampaignInput): Promise<CampaignRow> {
    const name = requireName(input.name, 'name');
    const startsAt = parseTime(input.startsAt, 'startsAt');
    const endsAt = input.endsAt ? parseTime(input.endsAt, 'endsAt') : null;
    if (endsAt && endsAt <= startsAt) {
      throw new DomainError('INVALID_WINDOW', 'endsAt must be after startsAt', ['endsAt']);
    }
    return this.campaigns.save(
      this.campaigns.create({ name, startsAt, endsAt, active: input.active ?? true }),
    );
  }

  async createPromotion(input: PromotionInput): Promise<PromotionRow> {
    const name = requireName(input.name, 'name');
    if (!PROMOTION_KINDS.includes(input.kind))
      throw new DomainError('INVALID_VALUE', 'Unknown kind', ['kind']);
    const shape = checkKindShape(input);
    const conditions = checkConditions(input.conditions ?? {});
    const priority = input.priority ?? 0;
    if (!Number.isSafeInteger(priority) || Math.abs(priority) > 1_000_000) {
      throw new DomainError('INVALID_VALUE', 'priority must be a whole number within ±1000000', [
        'priority',
      ]);
    }
    if (!(await this.campaigns.existsBy({ id: input.campaignId }))) {
      throw new DomainError('NOT_FOUND', `Campaign ${input.campaignId} was not found`, [
        'campaignId',
      ]);
    }
    return this.promotions.save(
      this.promotions.create({
        campaignId: input.campaignId,
        name,
        kind: input.kind,
        ...shape,
        ...conditions,
        exclusive: input.exclusive ?? false,
        priority,
        requiresCoupon: input.requiresCoupon ?? false,
        active: true,
      }),
    );
  }

  /** Stops a promotion for good; its coupons stop working (COUPON_EXPIRED). Idempotent. */
  async deactivatePromotion(id: string): Promise<PromotionRow> {
    const result = await this.promotions.update({ id }, { active: false });
    if (!result.affected)
      throw new DomainError('NOT_FOUND', `Promotion ${id} was not found`, ['id']);
    return this.promotions.findOneByOrFail({ id });
  }

  async createCoupon(input: CouponInput): Promise<CouponRow> {
    const code = input.code.trim().toUpperCase();
    if (!CODE.test(code)) {
      throw new DomainError(
        'INVALID_CODE',
        'A code is 3-64 letters, digits, dashes or underscores',
        ['code'],
      );
    }
    const limits = checkLimits(input);
    await this.couponPromotion(input.promotionId);
    try {
      return await this.coupons.save(
        this.coupons.create({ promotionId: input.promotionId, code, ...limits }),
      );
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DomainError('CODE_TAKEN', `Coupon code ${code} is already used`, ['code']);
      throw error;
    }
  }

  /**
   * Creates `count` random codes `PREFIX` + `length` symbols in one transaction, with one
   * INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING per round: codes that collide
   * (with existing ones or a concurrent batch) are drawn again in the next round.
   */
  async generateCoupons(input: CouponsGenerateInput): Promise<{ count: number; codes: string[] }> {
    const count = input.count;
    if (!Number.isSafeInteger(count) || count < 1) {
      throw new DomainError('INVALID_VALUE', 'count must be a positive whole number', ['count']);
    }
    if (count > MAX_GENERATED_CODES) {
      throw new DomainError('TOO_MANY_CODES', `At most ${MAX_GENERATED_CODES} codes per call`, [
        'count',
      ]);
    }
    const prefix = (input.prefix ?? '').trim().toUpperCase();
    if (!PREFIX.test(prefix)) {
      throw new DomainError(
        'INVALID_VALUE',
        'prefix is up to 20 letters, digits, dashes or underscores',
        ['prefix'],
      );
    }
    const length = input.length ?? DEFAULT_GENERATED_LENGTH;
    if (
      !Number.isSafeInteger(length) ||
      length < MIN_GENERATED_LENGTH ||
      length > MAX_GENERATED_LENGTH
    ) {
      throw new DomainError(
        'INVALID_VALUE',
        `length must be between ${MIN_GENERATED_LENGTH} and ${MAX_GENERATED_LENGTH}`,
        ['length'],
      );
    }
    const limits = checkLimits(input);
    await this.couponPromotion(input.promotionId);

    return this.db.transaction(async (tx) => {
      const created: string[] = [];
      const seen = new Set<string>();
      for (let round = 0; created.length < count; round += 1) {
        if (round === MAX_GENERATE_ROUNDS) {
          throw new DomainError(
            'CODE_SPACE_EXHAUSTED',
            'Could not find enough free codes; use a longer length',
            ['length'],
          );
        }
        const batch: string[] = [];
        while (batch.length < count - created.length) {
          const code = prefix + randomCode(length);
          if (!seen.has(code)) {
            seen.add(code);
            batch.push(code);
          }
        }
        const inserted: { code: string }[] = await tx.query(
          `INSERT INTO promotions.coupon (promotion_id, code, usage_limit, per_customer_limit)
           SELECT $1, code, $3, $4 FROM unnest($2::text[]) AS t(code)
           ON CONFLICT (code) DO NOTHING
           RETURNING code`,
          [input.promotionId, batch, limits.usageLimit, limits.perCustomerLimit],
        );
        for (const row of inserted) created.push(row.code);
      }
      return { count: created.length, codes: created };
    });
  }

  /** The discounts of a cart; no side effects. Refused coupons come back as errors beside the quote. */
  async quote(input: DiscountInput): Promise<QuoteOutcome> {
    const normalized = normalizeDiscountInput(input);
    const at = input.at ?? new Date();
    const { quote, rejected } = await this.evaluate(this.db.manager, normalized, at, false);
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
    const existing = await this.orderRedemptions.findOneBy({ orderRef });
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
        const evaluation = await this.evaluate(tx, normalized, new Date(), true);
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
          'REDEMPTION_RELEASED',
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

  /** A promotion coupons can be made for: it exists and asks for a code. */
  private async couponPromotion(promotionId: string): Promise<PromotionRow> {
    const promotion = await this.promotions.findOneBy({ id: promotionId });
    if (!promotion)
      throw new DomainError('NOT_FOUND', `Promotion ${promotionId} was not found`, ['promotionId']);
    if (!promotion.requiresCoupon) {
      throw new DomainError('PROMOTION_AUTOMATIC', 'The promotion applies without a code', [
        'promotionId',
      ]);
    }
    return promotion;
  }

  /**
   * Checks every entered code, then computes the quote with the accepted coupons'
   * promotions and the automatic promotions running at `at`. Three statements.
   */
  private async evaluate(
    manager: EntityManager,
    input: NormalizedDiscountInput,
    at: Date,
    forRedemption: boolean,
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
        [limited.map((c) => c.id), customerKey, this.holdTtlMs / 1000],
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
      const refuse = (errorCode: string, message: string) =>
        rejected.push(new DomainError(errorCode, message, field));
      const coupon = couponByCode.get(code);
      const promotion = coupon && promotionById.get(coupon.promotionId);
      const window = coupon && windowOf.get(coupon.promotionId);
      if (!coupon || !promotion || !window) {
        refuse('COUPON_NOT_FOUND', `Coupon ${code} does not exist`);
        continue;
      }
      if (!promotion.active || !window.active || (window.endsAt && window.endsAt <= at)) {
        refuse('COUPON_EXPIRED', `Coupon ${code} has expired`);
        continue;
      }
      if (window.startsAt > at) {
        refuse('COUPON_NOT_APPLICABLE', `Coupon ${code} is not valid yet`);
        continue;
      }
      if (coupon.usageLimit !== null && coupon.usedCount >= coupon.usageLimit) {
        refuse('COUPON_EXHAUSTED', `Coupon ${code} has been used up`);
        continue;
      }
      if (coupon.perCustomerLimit !== null) {
        if (customerKey && (customerUses.get(coupon.id) ?? 0) >= coupon.perCustomerLimit) {
          refuse('COUPON_CUSTOMER_LIMIT', `You have already used coupon ${code}`);
          continue;
        }
        if (!customerKey && forRedemption) {
          refuse('COUPON_NOT_APPLICABLE', `Coupon ${code} needs a known customer`);
          continue;
        }
      }
      if (couponOfPromotion.has(promotion.id)) {
        refuse('COUPON_NOT_APPLICABLE', `Another coupon for the same promotion is already applied`);
        continue;
      }
      const rule = toRule(promotion, code);
      const reason = ineligibility(rule, cart);
      if (reason) {
        refuse('COUPON_NOT_APPLICABLE', `Coupon ${code} does not apply: ${reason}`);
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
}

/** Narrows a promotion query to active automatic promotions in a running campaign, plus `alsoIds`. */
function runningAutomatic<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  at: Date,
  alsoIds: string[] = [],
) {
  return query.innerJoin(CampaignRow, 'c', 'c.id = p.campaign_id').where(
    `((p.active AND c.active AND NOT p.requires_coupon AND c.starts_at <= :at AND (c.ends_at IS NULL OR c.ends_at > :at))
        OR p.id = ANY(CAST(:alsoIds AS uuid[])))`,
    { at, alsoIds },
  );
}

function isRunning(
  promotion: PromotionRow,
  window: { startsAt: Date; endsAt: Date | null; active: boolean } | undefined,
  at: Date,
): boolean {
  return Boolean(
    window &&
    promotion.active &&
    window.active &&
    window.startsAt <= at &&
    (!window.endsAt || window.endsAt > at),
  );
}

function toRule(promotion: PromotionRow, code: string | null): DiscountRule {
  return {
    promotionId: promotion.id,
    name: promotion.name,
    kind: promotion.kind,
    value: promotion.value,
    currency: promotion.currency,
    buyQuantity: promotion.buyQuantity,
    getQuantity: promotion.getQuantity,
    conditions: {
      minSubtotals: promotion.minSubtotals,
      productIds: promotion.productIds,
      categoryIds: promotion.categoryIds,
      brandIds: promotion.brandIds,
      customerSegments: promotion.customerSegments,
    },
    exclusive: promotion.exclusive,
    priority: promotion.priority,
    code,
  };
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
      new DomainError('COUPON_EXHAUSTED', `Coupon ${coupon.code} has been used up`, field),
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
          'COUPON_CUSTOMER_LIMIT',
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
      'IDEMPOTENCY_KEY_REUSED',
      'That orderRef was redeemed with another cart',
      ['orderRef'],
    );
  }
  if (existing.status === 'RELEASED') {
    throw new DomainError(
      'REDEMPTION_RELEASED',
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
    throw new DomainError('NOT_FOUND', `No discounts were redeemed for order ${orderRef}`, [
      'orderRef',
    ]);
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

function randomCode(length: number): string {
  const bytes = randomBytes(length);
  let code = '';
  for (const byte of bytes) code += CODE_ALPHABET[byte & 31];
  return code;
}

/** The value columns a kind needs, and nothing else. */
function checkKindShape(
  input: PromotionInput,
): Pick<PromotionRow, 'value' | 'currency' | 'buyQuantity' | 'getQuantity'> {
  const none = { value: null, currency: null, buyQuantity: null, getQuantity: null };
  const value = input.value ?? null;
  switch (input.kind) {
    case 'PERCENTAGE_ORDER':
    case 'PERCENTAGE_LINE':
      if (value === null || !Number.isSafeInteger(value) || value < 1 || value > BASIS_POINTS) {
        throw new DomainError(
          'INVALID_VALUE',
          'A percentage is 1-10000 basis points (1000 = 10 %)',
          ['value'],
        );
      }
      if (input.currency)
        throw new DomainError('INVALID_VALUE', 'A percentage has no currency', ['currency']);
      return { ...none, value };
    case 'FIXED_ORDER':
    case 'FIXED_LINE': {
      if (value === null || !Number.isSafeInteger(value) || value < 1 || value > MAX_INT32) {
        throw new DomainError(
          'INVALID_VALUE',
          'A fixed amount is a positive number of minor units',
          ['value'],
        );
      }
      const currency = (input.currency ?? '').trim().toUpperCase();
      if (!CURRENCY.test(currency)) {
        throw new DomainError('INVALID_CURRENCY', 'A fixed amount needs an ISO 4217 currency', [
          'currency',
        ]);
      }
      return { ...none, value, currency };
    }
    case 'BUY_X_GET_Y': {
      const buy = input.buyQuantity ?? 0;
      const get = input.getQuantity ?? 0;
      if (!Number.isSafeInteger(buy) || buy < 1 || buy > 1000) {
        throw new DomainError('INVALID_VALUE', 'buyQuantity must be 1-1000', ['buyQuantity']);
      }
      if (!Number.isSafeInteger(get) || get < 1 || get > 1000) {
        throw new DomainError('INVALID_VALUE', 'getQuantity must be 1-1000', ['getQuantity']);
      }
      if (value !== null)
        throw new DomainError('INVALID_VALUE', 'BUY_X_GET_Y takes no value', ['value']);
      return { ...none, buyQuantity: buy, getQuantity: get };
    }
    case 'FREE_SHIPPING':
      if (value !== null)
        throw new DomainError('INVALID_VALUE', 'FREE_SHIPPING takes no value', ['value']);
      return none;
  }
}

function checkConditions(input: ConditionsInput): Conditions {
  const field = (name: string) => ['conditions', name];
  const minSubtotals: MinimumSubtotal[] = [];
  for (const minimum of input.minSubtotals ?? []) {
    const currency = minimum.currency.trim().toUpperCase();
    if (!CURRENCY.test(currency)) {
      throw new DomainError(
        'INVALID_CURRENCY',
        'A minimum subtotal needs an ISO 4217 currency',
        field('minSubtotals'),
      );
    }
    if (!Number.isSafeInteger(minimum.amount) || minimum.amount < 0) {
      throw new DomainError(
        'INVALID_VALUE',
        'A minimum subtotal is a whole number of minor units',
        field('minSubtotals'),
      );
    }
    if (minSubtotals.some((m) => m.currency === currency)) {
      throw new DomainError(
        'INVALID_VALUE',
        `Two minimum subtotals in ${currency}`,
        field('minSubtotals'),
      );
    }
    minSubtotals.push({ amount: minimum.amount, currency });
  }
  const ids = (list: string[] | null | undefined, name: string) => {
    const unique = [...new Set(list ?? [])];
    if (unique.length > MAX_CONDITION_ITEMS) {
      throw new DomainError('INVALID_VALUE', `At most ${MAX_CONDITION_ITEMS} ${name}`, field(name));
    }
    return unique;
  };
  const customerSegments = ids(input.customerSegments, 'customerSegments').map((s) =>
    checkSegment(s, field('customerSegments')),
  );
  return {
    minSubtotals,
    productIds: ids(input.productIds, 'productIds'),
    categoryIds: ids(input.categoryIds, 'categoryIds'),
    brandIds: ids(input.brandIds, 'brandIds'),
    customerSegments: [...new Set(customerSegments)],
  };
}

/** Segments are case-insensitive labels such as "vip"; stored and compared lower-case. */
function checkSegment(segment: string, field: string[]): string {
  const normalized = segment.trim().toLowerCase();
  if (!normalized || normalized.length > MAX_SEGMENT_LENGTH) {
    throw new DomainError(
      'INVALID_VALUE',
      `A segment is 1-${MAX_SEGMENT_LENGTH} characters`,
      field,
    );
  }
  return normalized;
}

function checkLimits(input: { usageLimit?: number | null; perCustomerLimit?: number | null }) {
  const usageLimit = input.usageLimit ?? null;
  const perCustomerLimit = input.perCustomerLimit ?? null;
  for (const [name, limit] of [
    ['usageLimit', usageLimit],
    ['perCustomerLimit', perCustomerLimit],
  ] as const) {
    if (limit !== null && (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_INT32)) {
      throw new DomainError('INVALID_VALUE', `${name} must be a positive whole number or null`, [
        name,
      ]);
    }
  }
  return { usageLimit, perCustomerLimit };
}

function normalizeDiscountInput(input: Omit<DiscountInput, 'at'>): NormalizedDiscountInput {
  const currency = input.currency.trim().toUpperCase();
  if (!CURRENCY.test(currency))
    throw new DomainError('INVALID_CURRENCY', 'currency must be an ISO 4217 code', ['currency']);
  const shippingAmount = input.shippingAmount ?? 0;
  if (!Number.isSafeInteger(shippingAmount) || shippingAmount < 0) {
    throw new DomainError('INVALID_VALUE', 'shippingAmount must be a whole number of minor units', [
      'shippingAmount',
    ]);
  }
  if (input.lines.length > MAX_LINES) {
    throw new DomainError('INVALID_VALUE', `A cart has at most ${MAX_LINES} lines`, ['lines']);
  }
  for (const [index, line] of input.lines.entries()) {
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1 || line.quantity > MAX_QUANTITY) {
      throw new DomainError('INVALID_VALUE', `quantity must be 1-${MAX_QUANTITY}`, [
        'lines',
        String(index),
        'quantity',
      ]);
    }
    if (
      !Number.isSafeInteger(line.unitPrice) ||
      line.unitPrice < 0 ||
      line.unitPrice > MAX_UNIT_PRICE
    ) {
      throw new DomainError('INVALID_VALUE', 'unitPrice must be a whole number of minor units', [
        'lines',
        String(index),
        'unitPrice',
      ]);
    }
  }
  const customerKey = input.customerKey?.trim().toLowerCase() || null;
  if (customerKey && customerKey.length > MAX_CUSTOMER_KEY_LENGTH) {
    throw new DomainError('INVALID_VALUE', 'customerKey is too long', ['customerKey']);
  }
  const rawCodes = input.couponCodes ?? [];
  if (rawCodes.length > MAX_COUPONS_PER_CART) {
    throw new DomainError('INVALID_VALUE', `At most ${MAX_COUPONS_PER_CART} coupon codes`, [
      'couponCodes',
    ]);
  }
  const codes: EnteredCode[] = [];
  for (const [index, raw] of rawCodes.entries()) {
    const code = raw.trim().toUpperCase();
    if (code && !codes.some((c) => c.code === code)) codes.push({ index, code });
  }
  const segments = (input.customerSegments ?? []).map((s) => checkSegment(s, ['customerSegments']));
  return {
    cart: {
      currency,
      customerSegments: [...new Set(segments)],
      shippingAmount,
      lines: input.lines.map((line) => ({
        variantId: line.variantId,
        productId: line.productId,
        categoryIds: [...line.categoryIds],
        brandId: line.brandId ?? null,
        quantity: line.quantity,
        unitPrice: line.unitPrice,
      })),
    },
    customerKey,
    codes,
  };
}

function hashInput(input: NormalizedDiscountInput): string {
  const canonical = {
    ...input.cart,
    customerSegments: [...input.cart.customerSegments].sort(),
    customerKey: input.customerKey,
    codes: input.codes.map((c) => c.code),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

function checkOrderRef(orderRef: string): string {
  const ref = orderRef.trim();
  if (!ref || ref.length > MAX_KEY_LENGTH) {
    throw new DomainError('INVALID_VALUE', `orderRef must be 1-${MAX_KEY_LENGTH} characters`, [
      'orderRef',
    ]);
  }
  return ref;
}

function requireName(value: string | null | undefined, field: string): string {
  const text = value?.trim();
  if (!text) throw new DomainError('REQUIRED', `${field} cannot be empty`, [field]);
  if (text.length > MAX_NAME_LENGTH)
    throw new DomainError('TOO_LONG', `${field} is longer than ${MAX_NAME_LENGTH}`, [field]);
  return text;
}

function parseTime(value: string, field: string): Date {
  const time = new Date(value);
  if (!ISO_TIME.test(value.trim()) || Number.isNaN(time.getTime())) {
    throw new DomainError('INVALID_VALUE', `${field} must be an ISO 8601 time`, [field]);
  }
  return time;
}
