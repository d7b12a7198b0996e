import { loaderByKey, loaderOfMany } from '../../platform/loaders';
import type { PromotionsService } from './service';

export function createPromotionsLoaders(promotions: PromotionsService) {
  return {
    campaignById: loaderByKey(
      (ids: readonly string[]) => promotions.campaignsByIds(ids),
      (c) => c.id,
    ),
    /** Entity references, Coupon.promotion and activePromotions' children share it. */
    promotionById: loaderByKey(
      (ids: readonly string[]) => promotions.promotionsByIds(ids),
      (p) => p.id,
    ),
    promotionsOfCampaign: loaderOfMany(
      (ids: readonly string[]) => promotions.promotionsOfCampaigns(ids),
      (p) => p.campaignId,
    ),
  };
}

export type PromotionsLoaders = ReturnType<typeof createPromotionsLoaders>;
