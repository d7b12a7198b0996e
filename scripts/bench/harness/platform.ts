import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { signingSecret } from '../../../platform/identity';
import { freePort } from '../../../platform/testing/ports';
import { subgraphs } from '../../../subgraphs/registry';
import { ROOT, spawnScript, waitForHealth, type BenchProcess } from './processes';
import { subgraphUrlVariable } from '../../../platform/config';

/** How every process of a bench runs: as production does, logging warnings and errors only. */
export const PRODUCTION_ENV = { NODE_ENV: 'production', LOG_LEVEL: 'warn' } as const;

/**
 * The address the load process connects from (127/8 is all loopback on Linux): the bench
 * router exempts it from its rate limits (RATE_LIMIT_EXEMPT_IPS) and nothing else, so the
 * limits stay on for every other caller, the bench's own setup requests included.
 */
export const LOAD_ADDRESS = '127.0.0.2';

export const BENCH_ADMIN = {
  email: 'bench-admin@example.com',
  password: 'a long bench-only staff passphrase',
};

export interface PlatformProcesses {
  routerUrl: string;
  router: BenchProcess;
  subgraphs: Record<string, BenchProcess>;
  subgraphUrls: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * The platform as it is deployed: each subgraph in its own process (`npm run
 * start:subgraph`), the router in another (router/main.ts), all with NODE_ENV=production,
 * LOG_LEVEL=warn, pub/sub through `redisUrl`, sandbox payments, and the bootstrap staff
 * admin BENCH_ADMIN. `routerEnv` is added to the router's environment.
 */
export async function spawnPlatform(options: {
  databaseUrl: string;
  redisUrl: string;
  namespace: string;
  routerEnv?: Record<string, string>;
  /** Runs the compiled platform (dist/, as the production image does) instead of tsx. */
  compiled?: boolean;
}): Promise<PlatformProcesses> {
  const compiled = options.compiled ?? false;
  const secret = signingSecret();
  const webhookSecret = randomBytes(16).toString('hex');
  const shared = {
    ...PRODUCTION_ENV,
    ROUTER_SIGNING_SECRET: secret,
    REDIS_URL: options.redisUrl,
    PUBSUB_NAMESPACE: options.namespace,
    DATABASE_URL: options.databaseUrl,
    HOST: '127.0.0.1',
    // Ten subgraph processes with a pool each must fit PostgreSQL's default 100
    // connections beside whatever else uses that server.
    DB_POOL_SIZE: process.env.DB_POOL_SIZE ?? '4',
  };
  const ports = Object.fromEntries(
    await Promise.all(subgraphs.map(async (s) => [s.name, await freePort()] as const)),
  );
  const subgraphUrls = Object.fromEntries(
    subgraphs.map((s) => [s.name, `http://127.0.0.1:${ports[s.name]}/graphql`]),
  );
  const urlEnv = Object.fromEntries(
    Object.entries(subgraphUrls).map(([name, url]) => [subgraphUrlVariable(name), url]),
  );
  const running: Record<string, BenchProcess> = {};
  const stopAll = async () => {
    for (const process of Object.values(running).reverse()) await process.stop();
  };
  try {
    // In registry order, each healthy before the next starts: a subgraph may call the
    // ones before it, and a consumer listens before its producer publishes.
    for (const module of subgraphs) {
      const process = spawnScript(
        module.name,
        join(ROOT, 'scripts', 'start-subgraph.ts'),
        [module.name],
        {
          ...shared,
          ...urlEnv,
          PORT: String(ports[module.name]),
          IDENTITY_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
          BOOTSTRAP_ADMIN_EMAIL: BENCH_ADMIN.email,
          BOOTSTRAP_ADMIN_PASSWORD: BENCH_ADMIN.password,
          PAYMENT_PROVIDER: 'sandbox',
          PAYMENT_WEBHOOK_SECRET: webhookSecret,
        },
        { compiled },
      );
      running[module.name] = process;
      await waitForHealth(new URL('/health', subgraphUrls[module.name]).toString(), process);
    }
    const router = await spawnRouterProcess(
      'router',
      {
        ...shared,
        ...urlEnv,
        DATABASE_URL: undefined,
        METRICS_BEARER_TOKEN: randomBytes(16).toString('hex'),
        RATE_LIMIT_EXEMPT_IPS: LOAD_ADDRESS,
        ...options.routerEnv,
      },
      { compiled },
    );
    running.router = router.process;
    const { router: _router, ...subgraphProcesses } = running;
    return {
      routerUrl: router.url,
      router: router.process,
      subgraphs: subgraphProcesses,
      subgraphUrls,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** router/main.ts in its own process on a free port, ready once /health answers. */
export async function spawnRouterProcess(
  name: string,
  env: Record<string, string | undefined>,
  options: { compiled?: boolean } = {},
): Promise<{ url: string; process: BenchProcess }> {
  const port = await freePort();
  const process = spawnScript(
    name,
    join(ROOT, 'router', 'main.ts'),
    [],
    { HOST: '127.0.0.1', ...env, ROUTER_PORT: String(port) },
    options,
  );
  await waitForHealth(`http://127.0.0.1:${port}/health`, process);
  return { url: `http://127.0.0.1:${port}/graphql`, process };
}
