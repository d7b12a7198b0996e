import type { Router } from 'express';
import type { DocumentNode } from 'graphql';
import type { DataSource, EntitySchema, MixedList } from 'typeorm';
import type { PubSubEngine } from 'graphql-subscriptions';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap';
import type { SubgraphContext } from './context';
import type { EventHandler } from './events/consume';

/** Addresses of fellow subgraphs, for the few service-to-service calls (checkout). */
export type SubgraphUrls = Record<string, string>;

export interface ServiceDeps {
  dataSource: DataSource;
  pubsub: PubSubEngine;
  subgraphUrls: SubgraphUrls;
  /** The router of this process, once it listens (npm start, tests); undefined elsewhere. */
  routerUrl?: () => string | undefined;
}

/**
 * Everything the platform needs to run a domain as a subgraph. Each `subgraphs/<domain>/index.ts`
 * exports one of these; the platform owns HTTP, database, migrations and context.
 */
export interface SubgraphModule<Services = unknown, Loaders = unknown> {
  name: string;
  /** The PostgreSQL schema the domain owns. */
  dbSchema: string;
  defaultPort: number;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<SubgraphContext<Services, Loaders>>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  createServices(deps: ServiceDeps): Services;
  /** Called once per request (and once per subscription event): DataLoaders never outlive it. */
  createLoaders(services: Services): Loaders;
  /** Releases what the services hold open (connections), after the server stopped. */
  closeServices?(services: Services): Promise<void>;
  /**
   * Other domains' events this subgraph acts on (platform/events/consume.ts): subscribed
   * whenever it runs, background jobs or not, each handled once through its inbox.
   */
  consumers?(services: Services): EventHandler<never>[];
  /** Background work (sweepers); returns a function that stops it. */
  startBackground?(services: Services): () => void;
  /**
   * Plain HTTP routes beside /graphql, for callers that are not the router: a provider's
   * webhooks, a JWKS. They do their own authentication (a signature, or none for public keys).
   */
  routes?(services: Services): Router;
}
