import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import Redis from 'ioredis';
import { signingSecret } from '../platform/identity';
import { startPrivateRedis, type PrivateRedis } from '../platform/testing/redis';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { spawnRouterProcess, type RouterProcess } from './support/router-process';
import { freePort } from '../platform/testing/ports';

/**
 * Redis goes away under a router (rate limits, persisted queries, session revocations)
 * and a subgraph (pub/sub), each in a process of its own on a private redis-server:
 * their logs report the outage once per client, never ioredis's "Unhandled error event"
 * per reconnect attempt; requests keep being answered; when Redis is back, so are they.
 */
const ROOT = join(__dirname, '..');
let platform: TestPlatform;
let redis: PrivateRedis;
let router: RouterProcess;
let catalog: { url: string; output(): string; stop(): Promise<void> };

/** Catalog as a container runs it (scripts/start-subgraph.ts), on the private Redis. */
async function spawnCatalog(): Promise<typeof catalog> {
  const port = await freePort();
  const logs: string[] = [];
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'scripts', 'start-subgraph.ts'), 'catalog'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        DATABASE_URL: platform.database.url,
        REDIS_URL: redis.url,
        PORT: String(port),
        HOST: '127.0.0.1',
        ROUTER_SIGNING_SECRET: signingSecret(),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}/graphql`;
  await until('catalog is healthy', () =>
    fetch(`http://127.0.0.1:${port}/health`)
      .then((r) => r.ok)
      .catch(() => false),
  );
  return {
    url,
    output: () => logs.join(''),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function until(what: string, condition: () => Promise<boolean>, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  platform = await startTestPlatform('outage_redis');
  redis = await startPrivateRedis();
  catalog = await spawnCatalog();
  router = await spawnRouterProcess(
    { ...platform.subgraphUrls, catalog: catalog.url },
    { REDIS_URL: redis.url, LOG_LEVEL: 'info', RATE_LIMIT_PREFIX: 'rl-outage' },
  );
}, 90_000);

afterAll(async () => {
  await router?.stop();
  await catalog?.stop();
  await redis?.stop();
  await platform?.stop();
});

async function query(): Promise<{ status: number; errors?: unknown[] }> {
  const response = await fetch(router.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ products(first: 1) { totalCount } }' }),
  });
  const body = (await response.json()) as { errors?: unknown[] };
  return { status: response.status, errors: body.errors };
}

/** The JSON log lines of `output` that mention Redis, as `msg (client)`. */
function redisReports(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg: string; client?: string; level: string })
    .filter((record) => /redis|store unavailable/i.test(record.msg))
    .map((record) => `${record.level} ${record.msg}${record.client ? ` (${record.client})` : ''}`);
}

const rateLimitKeys = async () => {
  const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  try {
    return await client.keys('rl-outage:*');
  } finally {
    client.disconnect();
  }
};

it('reports a Redis outage once per client, keeps answering, and recovers when Redis is back', async () => {
  expect(await query()).toEqual({ status: 200, errors: undefined });
  expect((await rateLimitKeys()).length).toBeGreaterThan(0); // the router counts in Redis

  await redis.stop();
  // Five seconds of reconnect attempts (ioredis retries every 50 ms … 2 s), and requests.
  const during: number[] = [];
  for (const started = Date.now(); Date.now() - started < 5000;) {
    during.push((await query()).status);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  expect(new Set(during)).toEqual(new Set([200]));

  for (const output of [router.output(), catalog.output()]) {
    expect(output).not.toContain('Unhandled error event');
    const reports = redisReports(output);
    expect(reports.length).toBeGreaterThan(0);
    // Each client said it once, however many times it tried to reconnect.
    expect(reports).toEqual([...new Set(reports)]);
  }
  expect(redisReports(router.output()).sort()).toEqual([
    'error redis unavailable for session revocations',
    'warn rate limit store unavailable, requests let through',
    'warn redis unavailable (router-apq)',
  ]);
  expect(redisReports(catalog.output()).sort()).toEqual([
    'warn redis unavailable (pubsub-publisher)',
    'warn redis unavailable (pubsub-subscriber)',
  ]);

  await redis.start();
  await until('the router counts in Redis again', async () => {
    await query();
    return (await rateLimitKeys()).length > 0;
  });
  await until('catalog says Redis is back', async () =>
    redisReports(catalog.output()).some((r) => r.includes('available again')),
  );
  expect(await query()).toEqual({ status: 200, errors: undefined });
  expect(router.output()).not.toContain('Unhandled error event');
}, 60_000);
