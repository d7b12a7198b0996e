import { hasPermission } from '../../platform/authorization';
import type { SubgraphContext } from '../../platform/context';
import { withUserErrors } from '../../platform/errors';
import type { Viewer } from '../../platform/identity';
import { isUuid } from '../../platform/ids';
import { mapConnection } from '../../platform/pagination';
import type { Review } from './domain/reviews';
import type { Resolvers } from './generated/resolvers-types';
import type { ReviewsServices } from './index';
import type { ReviewsLoaders } from './loaders';

export type Context = SubgraphContext<ReviewsServices, ReviewsLoaders>;

/** Catalog's product, named by id. */
export type ProductModel = { id: string };
/** A review with what only its author and staff may see still inside (cut per field). */
export type ReviewModel = Review;

export const REVIEWS_MODERATE = 'reviews:moderate';

const isModerator = (viewer: Viewer) => hasPermission(viewer, REVIEWS_MODERATE);
const isAuthor = (viewer: Viewer, review: Review) =>
  viewer.kind === 'customer' && viewer.customerId === review.customerId;
/** Held and rejected reviews, and moderation details, are for their author and staff only. */
const mayReadPrivate = (viewer: Viewer, review: Review) =>
  isAuthor(viewer, review) || isModerator(viewer);

const svc = (ctx: Context) => ctx.services.reviews;
const payload = (review: Review) => ({ review });

export const reviewsResolvers = {
  Query: {
    async review(_, { id }, ctx) {
      if (!isUuid(id)) return null;
      const review = await ctx.loaders.review.load(id.toLowerCase());
      if (!review) return null;
      return review.status === 'PUBLISHED' || mayReadPrivate(ctx.viewer, review) ? review : null;
    },
    myReviews: (_, __, ctx) => svc(ctx).mine(ctx.viewer),
    reviewsForModeration: (_, args, ctx) => svc(ctx).forModeration(args.status ?? 'HELD', args),
  },
  Mutation: {
    reviewPost: (_, { input }, ctx) =>
      withUserErrors(async () => payload(await svc(ctx).post(ctx.viewer, input))),
    reviewModerate: (_, { id, decision, note }, ctx) =>
      withUserErrors(async () => payload(await svc(ctx).moderate(ctx.viewer, id, decision, note))),
    reviewHelpfulVote: (_, { reviewId }, ctx) =>
      withUserErrors(async () => payload(await svc(ctx).voteHelpful(ctx.viewer, reviewId))),
  },
  Product: {
    __resolveReference: (ref) => ({ id: ref.id }),
    async rating(product, _, ctx) {
      if (!isUuid(product.id)) return { average: null, count: 0 };
      const rating = await ctx.loaders.ratingOf.load(product.id.toLowerCase());
      return { average: rating?.average ?? null, count: rating?.count ?? 0 };
    },
    async reviews(product, args, ctx) {
      if (!isUuid(product.id)) return { edges: [], pageInfo: emptyPage, totalCount: 0 };
      return mapConnection(await svc(ctx).published(product.id.toLowerCase(), args), (r) => r);
    },
  },
  Review: {
    product: (review) => ({ id: review.productId }),
    createdAt: (review) => new Date(review.createdAt).toISOString(),
    holdReasons: (review, _, ctx) =>
      mayReadPrivate(ctx.viewer, review) ? review.holdReasons : null,
    moderationNote: (review, _, ctx) =>
      mayReadPrivate(ctx.viewer, review) ? review.moderationNote : null,
  },
} satisfies Resolvers;

const emptyPage = {
  hasNextPage: false,
  hasPreviousPage: false,
  startCursor: null,
  endCursor: null,
};
