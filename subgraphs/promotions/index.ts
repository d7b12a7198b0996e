import { subgraphTypeDefs } from '../../platform/schema';
import { join } from 'node:path';
import type { SubgraphModule } from '../../platform/subgraph';
import { promotionsEntities } from './entities';
import { createPromotionsLoaders, type PromotionsLoaders } from './loaders';
import { PromotionsInitial1764100000000 } from './migrations/0001-promotions-initial';
import { promotionsResolvers } from './resolvers';
import { PromotionsService } from './service';
import { promotionsConfigFromEnv, type PromotionsConfig } from './config';
import { startPeriodicJob } from '../../platform/periodic-job';
import { createLogger } from '../../platform/logging';

export interface PromotionsServices {
  promotions: PromotionsService;
  config: PromotionsConfig;
}

export const promotionsSubgraph: SubgraphModule<PromotionsServices, PromotionsLoaders> = {
  name: 'promotions',
  dbSchema: 'promotions',
  defaultPort: 4006,
  typeDefs: subgraphTypeDefs(join(__dirname, 'schema.graphql')),
  resolvers: promotionsResolvers,
  entities: promotionsEntities,
  migrations: [PromotionsInitial1764100000000],
  createServices: ({ dataSource }) => {
    const config = promotionsConfigFromEnv();
    return {
      promotions: new PromotionsService(dataSource, config.PROMOTION_HOLD_TTL_MS),
      config,
    };
  },
  createLoaders: ({ promotions }) => createPromotionsLoaders(promotions),
  // Releases coupon holds whose checkout never completed (PROMOTION_HOLD_TTL_MS).
  startBackground: ({ promotions, config }) =>
    startPeriodicJob(
      createLogger('promotions.holds'),
      'releasing stale coupon holds',
      () => promotions.releaseStaleHolds(),
      config.PROMOTION_RECONCILE_INTERVAL_MS,
    ),
};
