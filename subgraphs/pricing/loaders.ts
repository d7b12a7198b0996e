import { loaderOfMany } from '../../platform/loaders';
import type { PricingService } from './service';

export function createPricingLoaders(pricing: PricingService) {
  return {
    /** Shared by ProductVariant.price, .priceTiers and Product.priceRange: one statement per page. */
    livePricesOfVariant: loaderOfMany(
      (ids: readonly string[]) => pricing.prices.livePricesOfVariants(ids),
      (p) => p.variantId,
    ),
    priceHistoryOfVariant: loaderOfMany(
      (ids: readonly string[]) => pricing.prices.priceHistoryOfVariants(ids),
      (p) => p.variantId,
    ),
  };
}

export type PricingLoaders = ReturnType<typeof createPricingLoaders>;
