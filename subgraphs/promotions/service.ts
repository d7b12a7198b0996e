import type { DataSource } from 'typeorm';
import type { Connection, PageRequest } from '../../platform/pagination';
import { Campaigns } from './domain/campaigns';
import { CouponGeneration } from './domain/coupon-generation';
import { Coupons } from './domain/coupons';
import { Promotions } from './domain/promotions';
import { Redemptions } from './domain/redemptions';
import type {
  CampaignInput,
  CouponInput,
  CouponsGenerateInput,
  DiscountInput,
  DiscountRedeemInput,
  PromotionInput,
  QuoteOutcome,
  RedeemOutcome,
} from './domain/types';
import type { CampaignRow, CouponRow, OrderRedemptionRow, PromotionRow } from './entities';

export { DEFAULT_GENERATED_LENGTH, MAX_GENERATED_CODES } from './domain/coupon-generation';
export type {
  CampaignInput,
  ConditionsInput,
  CouponInput,
  CouponsGenerateInput,
  DiscountInput,
  DiscountRedeemInput,
  PromotionInput,
  QuoteOutcome,
  RedeemOutcome,
} from './domain/types';

/**
 * Promotions' entry point: campaigns, their promotions, coupons (typed or generated in
 * batches) and the redemption ledger with its holds, each a use case of domain/. What a
 * cart is discounted by is decided in discounts.ts; input checks live in domain/input.ts.
 */
export class PromotionsService {
  readonly campaigns: Campaigns;
  readonly promotions: Promotions;
  readonly coupons: Coupons;
  readonly generation: CouponGeneration;
  readonly redemptions: Redemptions;

  /** `holdTtlMs`: a RESERVED hold older than this is dead (its checkout never finished). */
  constructor(db: DataSource, holdTtlMs = 30 * 60_000) {
    this.campaigns = new Campaigns(db);
    this.promotions = new Promotions(db, this.campaigns);
    this.coupons = new Coupons(db, this.promotions);
    this.generation = new CouponGeneration(db, this.coupons);
    this.redemptions = new Redemptions(db, holdTtlMs);
  }

  campaignsByIds(ids: readonly string[]): Promise<CampaignRow[]> {
    return this.campaigns.byIds(ids);
  }

  promotionsByIds(ids: readonly string[]): Promise<PromotionRow[]> {
    return this.promotions.byIds(ids);
  }

  promotionsOfCampaigns(campaignIds: readonly string[]): Promise<PromotionRow[]> {
    return this.promotions.ofCampaigns(campaignIds);
  }

  couponByCode(code: string): Promise<CouponRow | null> {
    return this.coupons.byCode(code);
  }

  listCampaigns(page: PageRequest): Promise<Connection<CampaignRow>> {
    return this.campaigns.list(page);
  }

  listCoupons(promotionId: string, page: PageRequest): Promise<Connection<CouponRow>> {
    return this.coupons.list(promotionId, page);
  }

  activePromotions(limit: number, at = new Date()): Promise<PromotionRow[]> {
    return this.promotions.active(limit, at);
  }

  createCampaign(input: CampaignInput): Promise<CampaignRow> {
    return this.campaigns.create(input);
  }

  createPromotion(input: PromotionInput): Promise<PromotionRow> {
    return this.promotions.create(input);
  }

  deactivatePromotion(id: string): Promise<PromotionRow> {
    return this.promotions.deactivate(id);
  }

  createCoupon(input: CouponInput): Promise<CouponRow> {
    return this.coupons.create(input);
  }

  generateCoupons(input: CouponsGenerateInput): Promise<{ count: number; codes: string[] }> {
    return this.generation.generate(input);
  }

  quote(input: DiscountInput): Promise<QuoteOutcome> {
    return this.redemptions.quote(input);
  }

  redeem(input: DiscountRedeemInput): Promise<RedeemOutcome> {
    return this.redemptions.redeem(input);
  }

  release(orderRef: string): Promise<OrderRedemptionRow> {
    return this.redemptions.release(orderRef);
  }

  releaseStaleHolds(limit = 100): Promise<string[]> {
    return this.redemptions.releaseStaleHolds(limit);
  }

  confirm(orderRef: string): Promise<OrderRedemptionRow> {
    return this.redemptions.confirm(orderRef);
  }
}
