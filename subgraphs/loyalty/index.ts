import { join } from 'node:path';
import { createLogger } from '../../platform/logging';
import { startPeriodicJob } from '../../platform/periodic-job';
import { subgraphTypeDefs } from '../../platform/schema';
import type { ServiceDeps, SubgraphModule } from '../../platform/subgraph';
import { loadLoyaltyConfig } from './config';
import { loyaltyEntities } from './entities';
import { createLoyaltyLoaders, type LoyaltyLoaders } from './loaders';
import { LoyaltyInitial1767300000000 } from './migrations/0001-loyalty-initial';
import { loyaltyResolvers } from './resolvers';
import { LoyaltyService } from './service';

const log = createLogger('loyalty');

export interface LoyaltyServices {
  loyalty: LoyaltyService;
}

export function createLoyaltyServices({
  dataSource,
}: Pick<ServiceDeps, 'dataSource'>): LoyaltyServices {
  return { loyalty: new LoyaltyService(dataSource, loadLoyaltyConfig()) };
}

export const loyaltySubgraph: SubgraphModule<LoyaltyServices, LoyaltyLoaders> = {
  name: 'loyalty',
  dbSchema: 'loyalty',
  defaultPort: 4015,
  typeDefs: subgraphTypeDefs(join(__dirname, 'schema.graphql')),
  resolvers: loyaltyResolvers,
  entities: loyaltyEntities,
  migrations: [LoyaltyInitial1767300000000],
  createServices: createLoyaltyServices,
  createLoaders: ({ loyalty }) => createLoyaltyLoaders(loyalty),
  consumers: ({ loyalty }) => loyalty.consumers(),
  startBackground: ({ loyalty }) =>
    startPeriodicJob(
      log,
      'points expiry',
      async () => {
        const expired = await loyalty.expire();
        if (expired > 0) log.info('points expired', { points: expired });
      },
      loyalty.config.LOYALTY_EXPIRY_INTERVAL_MS,
    ),
};
