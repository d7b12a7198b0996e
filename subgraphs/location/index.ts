import { join } from 'node:path';
import { subgraphTypeDefs } from '../../platform/schema';
import type { SubgraphModule } from '../../platform/subgraph';
import { locationEntities } from './entities';
import { createLocationLoaders, type LocationLoaders } from './loaders';
import { LocationInitial1764600000000 } from './migrations/0001-location-initial';
import { locationResolvers } from './resolvers';
import { LocationService } from './service';

export interface LocationServices {
  location: LocationService;
}

export const locationSubgraph: SubgraphModule<LocationServices, LocationLoaders> = {
  name: 'location',
  dbSchema: 'location',
  defaultPort: 4008,
  typeDefs: subgraphTypeDefs(join(__dirname, 'schema.graphql')),
  resolvers: locationResolvers,
  entities: locationEntities,
  migrations: [LocationInitial1764600000000],
  createServices: ({ dataSource }) => ({ location: new LocationService(dataSource) }),
  createLoaders: ({ location }) => createLocationLoaders(location),
};
