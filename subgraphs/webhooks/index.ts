import { join } from 'node:path';
import { createLogger } from '../../platform/logging';
import { startPeriodicJob } from '../../platform/periodic-job';
import { subgraphTypeDefs } from '../../platform/schema';
import type { ServiceDeps, SubgraphModule } from '../../platform/subgraph';
import { loadWebhooksConfig } from './config';
import { webhooksEntities } from './entities';
import { IdentityGateway } from './gateways';
import { createWebhooksLoaders, type WebhooksLoaders } from './loaders';
import { WebhooksInitial1767500000001 } from './migrations/0001-webhooks-initial';
import { WebhooksDeliveryAttempts1768200000000 } from './migrations/0002-delivery-attempts';
import { webhooksResolvers } from './resolvers';
import { WebhooksService } from './service';

const log = createLogger('webhooks');

export interface WebhooksServices {
  webhooks: WebhooksService;
}

export function createWebhooksServices({
  dataSource,
  subgraphUrls,
  routerUrl,
}: Pick<ServiceDeps, 'dataSource' | 'subgraphUrls' | 'routerUrl'>): WebhooksServices {
  const config = loadWebhooksConfig();
  return {
    webhooks: new WebhooksService(
      dataSource,
      new IdentityGateway(subgraphUrls),
      config,
      // One process (npm start, tests): the router beside it, once it listens; else ROUTER_URL.
      () => routerUrl?.() ?? config.ROUTER_URL,
    ),
  };
}

export const webhooksSubgraph: SubgraphModule<WebhooksServices, WebhooksLoaders> = {
  name: 'webhooks',
  dbSchema: 'webhooks',
  defaultPort: 4016,
  typeDefs: subgraphTypeDefs(join(__dirname, 'schema.graphql')),
  resolvers: webhooksResolvers,
  entities: webhooksEntities,
  migrations: [WebhooksInitial1767500000001, WebhooksDeliveryAttempts1768200000000],
  createServices: createWebhooksServices,
  createLoaders: ({ webhooks }) => createWebhooksLoaders(webhooks.attempts),
  consumers: ({ webhooks }) => webhooks.consumers(),
  closeServices: ({ webhooks }) => webhooks.sender.close(),
  // Retries: what failed waits out its backoff, then this job sends it (new ones go at once).
  startBackground: ({ webhooks }) =>
    startPeriodicJob(
      log,
      'webhook sender',
      () => webhooks.sender.sendDue(),
      webhooks.config.WEBHOOKS_SEND_INTERVAL_MS,
    ),
};
