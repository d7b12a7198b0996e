import {
  type DataSource,
  In,
  type ObjectLiteral,
  type Repository,
  type SelectQueryBuilder,
} from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { type DiscountRule, PROMOTION_KINDS } from '../discounts';
import { CampaignRow, PromotionRow } from '../entities';
import { PromotionsErrorCode } from '../errors';
import type { Campaigns } from './campaigns';
import { checkConditions, checkKindShape, requireName } from './input';
import type { PromotionInput } from './types';

/** Promotions: the discount rules of a campaign, automatic or behind a coupon. */
export class Promotions {
  private readonly promotions: Repository<PromotionRow>;

  constructor(
    db: DataSource,
    private readonly campaigns: Campaigns,
  ) {
    this.promotions = db.getRepository(PromotionRow);
  }

  byIds(ids: readonly string[]): Promise<PromotionRow[]> {
    return this.promotions.findBy({ id: In([...ids]) });
  }

  byId(id: string): Promise<PromotionRow | null> {
    return this.promotions.findOneBy({ id });
  }

  /** The promotions of many campaigns in one statement, highest priority first. */
  ofCampaigns(campaignIds: readonly string[]): Promise<PromotionRow[]> {
    return this.promotions.find({
      where: { campaignId: In([...campaignIds]) },
      order: { priority: 'DESC', name: 'ASC', id: 'ASC' },
    });
  }

  /** Automatic promotions running at `at` (for storefront banners), highest priority first. */
  active(limit: number, at = new Date()): Promise<PromotionRow[]> {
    return runningAutomatic(this.promotions.createQueryBuilder('p'), at)
      .orderBy('p.priority', 'DESC')
      .addOrderBy('p.name', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  async create(input: PromotionInput): Promise<PromotionRow> {
    const name = requireName(input.name, 'name');
    if (!PROMOTION_KINDS.includes(input.kind))
      throw new DomainError(PromotionsErrorCode.INVALID_VALUE, 'Unknown kind', ['kind']);
    const shape = checkKindShape(input);
    const conditions = checkConditions(input.conditions ?? {});
    const priority = input.priority ?? 0;
    if (!Number.isSafeInteger(priority) || Math.abs(priority) > 1_000_000) {
      throw new DomainError(
        PromotionsErrorCode.INVALID_VALUE,
        'priority must be a whole number within ±1000000',
        ['priority'],
      );
    }
    if (!(await this.campaigns.exists(input.campaignId))) {
      throw new DomainError(
        PromotionsErrorCode.NOT_FOUND,
        `Campaign ${input.campaignId} was not found`,
        ['campaignId'],
      );
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
  async deactivate(id: string): Promise<PromotionRow> {
    const result = await this.promotions.update({ id }, { active: false });
    if (!result.affected)
      throw new DomainError(PromotionsErrorCode.NOT_FOUND, `Promotion ${id} was not found`, ['id']);
    return this.promotions.findOneByOrFail({ id });
  }
}

/** Narrows a promotion query to active automatic promotions in a running campaign, plus `alsoIds`. */
export function runningAutomatic<T extends ObjectLiteral>(
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

export function isRunning(
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

export function toRule(promotion: PromotionRow, code: string | null): DiscountRule {
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
