import { startPlatform, type Platform, type PlatformOptions } from '../../scripts/platform';
import { seedPricing } from '../../subgraphs/pricing/seed';
import { seedShipping } from '../../subgraphs/shipping/seed';
import { adminUrl, createTestDatabase, type TestDatabase } from '../../platform/testing/database';
import {
  postGraphQL,
  type GraphQLResponse,
  type Operation,
} from '../../platform/testing/graphql-client';
import { platformTemplate } from './template-database';

export interface TestPlatform extends Platform {
  /** Sends an operation to the router as a client would: plain HTTP, no identity headers. */
  query<T = Record<string, any>, V = Record<string, unknown>>(
    query: Operation<T, V>,
    variables?: V,
  ): Promise<GraphQLResponse<T>>;
  database: TestDatabase;
}

/** The whole platform on free ports against a database of this test file's own. */
export async function startTestPlatform(
  name: string,
  options: Partial<Pick<PlatformOptions, 'subscriptionLimits' | 'background'>> & {
    markets?: boolean;
    /** 'open' (most tests): every caller may do staff things; 'enforced': tokens decide. */
    authorization?: 'open' | 'enforced';
  } = {},
): Promise<TestPlatform> {
  const { markets = true, authorization = 'open', ...platformOptions } = options;
  process.env.AUTHORIZATION_MODE = authorization;
  // Test files run side by side on a small machine, some firing hundreds of checkouts at
  // once: calls may queue far longer than production's 10 s deadlines allow.
  process.env.SUBGRAPH_TIMEOUT_MS ??= '60000';
  process.env.SERVICE_TIMEOUT_MS ??= '60000';
  // Every test client is 127.0.0.1, and some files send a thousand requests a minute: the
  // rate limits under test get their own routers and settings (test/rate-limit.test.ts).
  process.env.RATE_LIMIT_PER_IP ??= '100000';
  process.env.RATE_LIMIT_COST ??= '1000000000';
  // Ten subgraphs with a pool each, beside other test files and PostgreSQL's default of
  // 100 connections: a test platform needs few at a time.
  process.env.DB_POOL_SIZE ??= '3';
  process.env.RATE_LIMIT_PREFIX ??= `ratelimit-${name}-${process.pid}`;
  // Migrated already: a copy of the template (test/support/template-database.ts).
  const database = await createTestDatabase(name, {
    template: await platformTemplate(adminUrl()),
  });
  const platform = await startPlatform({
    databaseUrl: database.url,
    ports: 'ephemeral',
    background: false,
    ...platformOptions,
  });
  // The demo markets: EUR (tax-inclusive), USD and GBP price lists, tax rules, and the
  // shipping zones, methods and rates of the five demo countries.
  if (markets) {
    await seedPricing(platform.subgraphs.pricing!.dataSource, []);
    await seedShipping(platform.subgraphs.shipping!.dataSource);
  }
  return {
    ...platform,
    database,
    query: (query, variables) => postGraphQL(platform.router.url, query, variables),
    async stop() {
      await platform.stop();
      await database.drop();
    },
  };
}
