import { createPubSub } from '../pubsub';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';
import type { Viewer } from '../identity';
import type { PubSubHandle } from '../pubsub';
import { startSubgraph, type RunningSubgraph } from '../server';
import type { SubgraphModule, SubgraphUrls } from '../subgraph';
import { createTestDatabase, type TestDatabase } from './database';
import { dataOf, postGraphQL, type GraphQLResponse } from './graphql-client';

/** Viewers a test signs requests as, the way the router would. */
export const viewers = {
  anonymous: { kind: 'anonymous' } as Viewer,
  customer: (customerId: string) => ({ kind: 'customer', customerId }) as Viewer,
  staff: (permissions: string[], staffId = 'staff-1') =>
    ({ kind: 'staff', staffId, permissions }) as Viewer,
  service: (service: string) => ({ kind: 'service', service }) as Viewer,
};

export interface As {
  viewer?: Viewer;
  headers?: Record<string, string>;
}

/** An operation as a typed document (generated), a parsed document, or a string. */
export type Operation<TData, TVariables> =
  TypedDocumentNode<TData, TVariables> | DocumentNode | string;

export interface TestSubgraph<Services> {
  subgraph: RunningSubgraph<Services>;
  url: string;
  services: Services;
  db: TestDatabase;
  /** Posts an operation signed as `as.viewer` (anonymous by default); typed when given a TypedDocumentNode. */
  gql<TData = Record<string, any>, TVariables = Record<string, unknown>>(
    operation: Operation<TData, TVariables>,
    variables?: TVariables,
    as?: As,
  ): Promise<GraphQLResponse<TData>>;
  /** Like gql, and fails the test on any GraphQL error. */
  data<TData = Record<string, any>, TVariables = Record<string, unknown>>(
    operation: Operation<TData, TVariables>,
    variables?: TVariables,
    as?: As,
  ): Promise<TData>;
  /** Plain SQL on the subgraph's database (its schema first on the search path). */
  sql<Row = Record<string, any>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** SQL statements the subgraph sent while `body` ran. */
  countStatements(body: () => Promise<unknown>): Promise<number>;
  stop(): Promise<void>;
}

export interface TestSubgraphOptions {
  /** Prefix of the test database's name (defaults to the subgraph's name). */
  database?: string;
  /** Environment the subgraph reads at start; restored on stop. */
  env?: Record<string, string | undefined>;
  subgraphUrls?: SubgraphUrls;
  pubsub?: PubSubHandle;
  outboxRelay?: boolean;
  /** false: no background jobs (sweepers), e.g. where statements are counted. */
  background?: boolean;
}

const text = (operation: Operation<unknown, unknown>): string =>
  typeof operation === 'string' ? operation : print(operation);

/**
 * One subgraph on a database of its own, as every subgraph test starts it:
 *
 *   const t = await startSubgraphForTest(catalogSubgraph);
 *   const { product } = await t.data(ProductDocument, { id }, { viewer: viewers.anonymous });
 */
export async function startSubgraphForTest<Services, Loaders>(
  module: SubgraphModule<Services, Loaders>,
  options: TestSubgraphOptions = {},
): Promise<TestSubgraph<Services>> {
  const previousEnv: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(options.env ?? {})) {
    previousEnv[key] = process.env[key];
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  const db = await createTestDatabase(options.database ?? module.name);
  // Events in a namespace of this database's own: a shared broker then carries no other
  // test's events to this subgraph's consumers (as the platform does, scripts/platform.ts).
  const ownPubSub = options.pubsub
    ? null
    : createPubSub(process.env.REDIS_URL, new URL(db.url).pathname.slice(1));
  const subgraph = await startSubgraph(module, {
    databaseUrl: db.url,
    port: 0,
    host: '127.0.0.1',
    subgraphUrls: options.subgraphUrls,
    pubsub: options.pubsub ?? ownPubSub!,
    outboxRelay: options.outboxRelay,
    background: options.background,
  });

  const gql: TestSubgraph<Services>['gql'] = (operation, variables, as = {}) =>
    postGraphQL(subgraph.url, text(operation), (variables ?? {}) as Record<string, unknown>, {
      viewer: as.viewer ?? viewers.anonymous,
      ...(as.headers ? { headers: as.headers } : {}),
    }) as never;

  return {
    subgraph,
    url: subgraph.url,
    services: subgraph.services,
    db,
    gql,
    data: async (operation, variables, as) => dataOf(await gql(operation, variables, as)),
    sql: async (query, params = []) => {
      const runner = subgraph.dataSource.createQueryRunner();
      try {
        await runner.query(`SET search_path TO "${module.dbSchema}", public`);
        return (await runner.query(query, params)) as never;
      } finally {
        await runner.query('RESET search_path').catch(() => {});
        await runner.release();
      }
    },
    countStatements: async (body) => {
      const before = subgraph.statements.count;
      await body();
      return subgraph.statements.count - before;
    },
    stop: async () => {
      await subgraph.stop();
      await ownPubSub?.close();
      await db.drop();
      for (const [key, value] of Object.entries(previousEnv)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    },
  };
}
