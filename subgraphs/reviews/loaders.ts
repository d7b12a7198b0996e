import { loaderByKey } from '../../platform/loaders';
import type { ReviewsService } from './service';

/** Product.rating for a page of products in one statement; reviews by id (review(id)). */
export function createReviewsLoaders(reviews: ReviewsService) {
  return {
    ratingOf: loaderByKey(
      (productIds: readonly string[]) => reviews.ratings(productIds),
      (r) => r.productId,
    ),
    review: loaderByKey(
      (ids: readonly string[]) => reviews.byIds(ids),
      (r) => r.id,
    ),
  };
}

export type ReviewsLoaders = ReturnType<typeof createReviewsLoaders>;
