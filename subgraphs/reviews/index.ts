import { join } from 'node:path';
import { subgraphTypeDefs } from '../../platform/schema';
import type { ServiceDeps, SubgraphModule } from '../../platform/subgraph';
import { loadReviewsConfig } from './config';
import { reviewsEntities } from './entities';
import { IdentityGateway } from './gateways';
import { createReviewsLoaders, type ReviewsLoaders } from './loaders';
import { ReviewsInitial1767200000002 } from './migrations/0001-reviews-initial';
import { reviewsResolvers } from './resolvers';
import { ReviewsService } from './service';

export interface ReviewsServices {
  reviews: ReviewsService;
}

export function createReviewsServices({
  dataSource,
  subgraphUrls,
}: Pick<ServiceDeps, 'dataSource' | 'subgraphUrls'>): ReviewsServices {
  return {
    reviews: new ReviewsService(dataSource, new IdentityGateway(subgraphUrls), loadReviewsConfig()),
  };
}

export const reviewsSubgraph: SubgraphModule<ReviewsServices, ReviewsLoaders> = {
  name: 'reviews',
  dbSchema: 'reviews',
  defaultPort: 4014,
  typeDefs: subgraphTypeDefs(join(__dirname, 'schema.graphql')),
  resolvers: reviewsResolvers,
  entities: reviewsEntities,
  migrations: [ReviewsInitial1767200000002],
  createServices: createReviewsServices,
  createLoaders: ({ reviews }) => createReviewsLoaders(reviews),
  consumers: ({ reviews }) => reviews.consumers(),
};
