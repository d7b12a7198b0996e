import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { startRouter, type RunningRouter } from '../../router/server';
import { signingSecret } from '../../platform/identity';
import { createPubSub } from '../../platform/pubsub';
import { startSubgraph, type RunningSubgraph } from '../../platform/server';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/database';
import { postGraphQL, type GraphQLResponse } from '../../platform/testing/graphql-client';
import { seedPricing } from '../../subgraphs/pricing/seed';
import { seedShipping } from '../../subgraphs/shipping/seed';
import { subgraphs } from '../../subgraphs/registry';
import { freePort } from '../../platform/testing/ports';
import { subgraphUrlVariable } from '../../platform/config';

const ROOT = join(__dirname, '..', '..');

/**
 * The platform with orders in a process of its own (so a test can kill -9 it), every other
 * subgraph and the router in the test process. Orders keeps one port across restarts, so
 * the router's URL for it stays right.
 */
export interface CrashPlatform {
  database: TestDatabase;
  subgraphs: Record<string, RunningSubgraph<unknown>>;
  query<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<T>>;
  /** Starts orders with these extra settings (CHECKOUT_FAULT, CHECKOUT_LEASE_MS, ...); resolves once it is healthy. */
  startOrders(env?: Record<string, string>): Promise<void>;
  /** Resolves with the signal that ended the orders process (SIGKILL after a crash fault). */
  ordersExited(): Promise<NodeJS.Signals | null>;
  stopOrders(): Promise<void>;
  stop(): Promise<void>;
}

export async function startCrashPlatform(name: string): Promise<CrashPlatform> {
  process.env.AUTHORIZATION_MODE = 'open';
  process.env.SERVICE_TIMEOUT_MS ??= '60000';
  process.env.RATE_LIMIT_PER_IP ??= '100000';
  process.env.RATE_LIMIT_COST ??= '1000000000';
  const secret = signingSecret();
  const database = await createTestDatabase(name);
  const pubsub = createPubSub(undefined, `crash-${process.pid}`);
  const ordersPort = await freePort();
  const urls: Record<string, string> = { orders: `http://127.0.0.1:${ordersPort}/graphql` };
  const running: Record<string, RunningSubgraph<unknown>> = {};
  for (const module of subgraphs.filter((s) => s.name !== 'orders')) {
    running[module.name] = await startSubgraph(module, {
      databaseUrl: database.url,
      port: 0,
      host: '127.0.0.1',
      subgraphUrls: urls,
      pubsub,
      background: false,
    });
    urls[module.name] = running[module.name]!.url;
  }
  await seedPricing(running.pricing!.dataSource, []);
  await seedShipping(running.shipping!.dataSource);
  const router: RunningRouter = await startRouter({
    port: 0,
    host: '127.0.0.1',
    supergraphPath: join(ROOT, 'schema', 'supergraph.graphql'),
    subgraphUrls: urls,
    subgraphTimeoutMs: 60_000,
  });

  let child: ChildProcess | null = null;
  let exited: Promise<NodeJS.Signals | null> = Promise.resolve(null);
  const output: string[] = [];

  async function startOrders(env: Record<string, string> = {}): Promise<void> {
    const calleeUrls = Object.fromEntries(
      Object.entries(urls)
        .filter(([subgraph]) => subgraph !== 'orders')
        .map(([subgraph, url]) => [subgraphUrlVariable(subgraph), url]),
    );
    const started = spawn(
      process.execPath,
      // The process is orders itself (no tsx wrapper), so a signal reaches it and its death shows.
      ['--import', 'tsx', join(ROOT, 'scripts', 'start-subgraph.ts'), 'orders'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          REDIS_URL: undefined,
          DATABASE_URL: database.url,
          PORT: String(ordersPort),
          HOST: '127.0.0.1',
          ROUTER_SIGNING_SECRET: secret,
          ...calleeUrls,
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = started;
    started.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    started.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    exited = new Promise((resolve) => started.once('exit', (_code, signal) => resolve(signal)));
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (started.exitCode !== null || started.signalCode !== null) {
        throw new Error(`orders exited while starting:\n${output.join('')}`);
      }
      const healthy = await fetch(`http://127.0.0.1:${ordersPort}/health`)
        .then((r) => r.ok)
        .catch(() => false);
      if (healthy) return;
      if (Date.now() > deadline) throw new Error(`orders did not start:\n${output.join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async function stopOrders(): Promise<void> {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    child = null;
  }

  return {
    database,
    subgraphs: running,
    query: (query, variables) => postGraphQL(router.url, query, variables),
    startOrders,
    ordersExited: () => exited,
    stopOrders,
    async stop() {
      await stopOrders();
      await router.stop();
      for (const subgraph of Object.values(running).reverse()) await subgraph.stop();
      await pubsub.close();
      await database.drop();
    },
  };
}
