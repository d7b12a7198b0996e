import { subgraphTypeDefs } from '../../platform/schema';
import { join } from 'node:path';
import type { Router } from 'express';
import type { SubgraphModule } from '../../platform/subgraph';
import { identityEntities } from './entities';
import { createIdentityLoaders, type IdentityLoaders } from './loaders';
import { IdentityInitial1764100000000 } from './migrations/0001-identity-initial';
import { IdentityThrottles1764200000000 } from './migrations/0002-identity-throttles';
import { IdentityLocationPermission1764600000000 } from './migrations/0003-location-permission';
import { IdentityFulfillmentPermission1765000000100 } from './migrations/0003-fulfillment-permission';
import { IdentityShippingPermission1765100000000 } from './migrations/0004-shipping-permission';
import { IdentityDraftsPermission1765200000000 } from './migrations/0005-drafts-permission';
import { IdentityOrderChangesPermissions1766100000000 } from './migrations/0006-order-changes-permissions';
import { IdentityNotificationsReviewsPermissions1767200000001 } from './migrations/0007-notifications-reviews-permissions';
import { IdentityLoyaltyPermission1767300000002 } from './migrations/0008-loyalty-permission';
import { IdentityApps1767500000000 } from './migrations/0009-apps';
import { IdentityAppKeyGenerations1768100000000 } from './migrations/0010-app-key-generations';
import { identityResolvers } from './resolvers';
import { identityRoutes } from './routes';
import { createIdentityServices, type IdentityServices } from './service';

export { identityRoutes } from './routes';

export const identitySubgraph: SubgraphModule<IdentityServices, IdentityLoaders> & {
  /** Plain HTTP routes (GET /.well-known/jwks.json) for the platform to mount beside /graphql. */
  routes(services: IdentityServices): Router;
} = {
  name: 'identity',
  dbSchema: 'identity',
  defaultPort: 4007,
  typeDefs: subgraphTypeDefs(join(__dirname, 'schema.graphql')),
  resolvers: identityResolvers,
  entities: identityEntities,
  migrations: [
    IdentityInitial1764100000000,
    IdentityThrottles1764200000000,
    IdentityLocationPermission1764600000000,
    IdentityFulfillmentPermission1765000000100,
    IdentityShippingPermission1765100000000,
    IdentityDraftsPermission1765200000000,
    IdentityOrderChangesPermissions1766100000000,
    IdentityNotificationsReviewsPermissions1767200000001,
    IdentityLoyaltyPermission1767300000002,
    IdentityApps1767500000000,
    IdentityAppKeyGenerations1768100000000,
  ],
  createServices: (deps) => createIdentityServices(deps),
  createLoaders: createIdentityLoaders,
  startBackground: (services) => services.startBackground(),
  closeServices: (services) => services.close(),
  routes: identityRoutes,
};
