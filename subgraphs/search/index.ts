import { join } from 'node:path';
import { subgraphTypeDefs } from '../../platform/schema';
import type { ServiceDeps, SubgraphModule } from '../../platform/subgraph';
import { loadSearchConfig } from './config';
import { PostgresSearchEngine } from './domain/pg-engine';
import { searchEntities } from './entities';
import { createSearchLoaders, type SearchLoaders } from './loaders';
import { SearchInitial1765100000000 } from './migrations/0001-search-initial';
import { SearchSuggestLabels1765100000001 } from './migrations/0002-suggest-labels';
import { SearchVisibilityAttributes1767100000001 } from './migrations/0003-visibility-attributes';
import { searchResolvers } from './resolvers';
import { SearchService } from './service';

export interface SearchServices {
  search: SearchService;
}

export function createSearchServices({
  dataSource,
}: Pick<ServiceDeps, 'dataSource'>): SearchServices {
  // One engine today; an OpenSearch engine (OPENSEARCH_URL) would be chosen here.
  const engine = new PostgresSearchEngine(dataSource);
  return { search: new SearchService(dataSource, engine, loadSearchConfig()) };
}

export const searchSubgraph: SubgraphModule<SearchServices, SearchLoaders> = {
  name: 'search',
  dbSchema: 'search',
  defaultPort: 4011,
  typeDefs: subgraphTypeDefs(join(__dirname, 'schema.graphql')),
  resolvers: searchResolvers,
  entities: searchEntities,
  migrations: [
    SearchInitial1765100000000,
    SearchSuggestLabels1765100000001,
    SearchVisibilityAttributes1767100000001,
  ],
  createServices: createSearchServices,
  createLoaders: () => createSearchLoaders(),
  consumers: ({ search }) => search.consumers(),
};
