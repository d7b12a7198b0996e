import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { signingSecret } from '../../platform/identity';
import { startPrivateRedis } from '../../platform/testing/redis';
import { benchDatabase, freePort, spawnRouter, waitForHealth } from './environment';
import { summarize } from './stats';

/**
 * `npm run bench -- revocation`: what the session revocation check costs a signed-in
 * request. Identity and two routers, each its own process in production mode
 * (NODE_ENV=production, LOG_LEVEL=warn, RATE_LIMIT=off, METRICS=off): one router keeps
 * the revocation list in Redis (REDIS_URL: an EXISTS per session at most every 2 s, and
 * a channel), the other in its own memory (no Redis: the check is a map lookup). The
 * same client (`concurrency` loops posting `{ me { id email } }`, going round `sessions`
 * sessions of one customer, so that with many of them most requests miss the router's
 * 2 s cache and ask Redis) takes turns on them for `rounds` × `seconds`. Every answer is
 * checked.
 */
export interface RevocationBenchOptions {
  seconds: number;
  warmupSeconds: number;
  concurrency: number;
  rounds: number;
  /** Distinct sessions (logins) the clients go round: 1 always hits the cache. */
  sessions: number;
}

const ROOT = join(__dirname, '..', '..');
const ME = JSON.stringify({ query: '{ me { id email } }' });
const PRODUCTION = { NODE_ENV: 'production', LOG_LEVEL: 'warn', RATE_LIMIT: 'off', METRICS: 'off' };

export async function revocationBench(options: RevocationBenchOptions) {
  const started: (() => Promise<void>)[] = [];
  try {
    const db = await benchDatabase();
    started.push(db.stop);
    const redisUrl =
      process.env.REDIS_URL ??
      (await startPrivateRedis().then((r) => (started.push(r.stop), r.url)));
    const identity = await spawnIdentity(db.url);
    started.push(identity.stop);
    const subgraphs = { identity: identity.url };
    const withRedis = await spawnRouter(subgraphs, { ...PRODUCTION, REDIS_URL: redisUrl });
    started.push(() => withRedis.stop());
    const inMemory = await spawnRouter(subgraphs, { ...PRODUCTION, REDIS_URL: undefined });
    started.push(() => inMemory.stop());
    const tokens = await customerTokens(withRedis.url, db.url, options.sessions);

    const targets = { redis: withRedis.url, memory: inMemory.url };
    for (const url of Object.values(targets))
      await load(url, tokens, options.concurrency, options.warmupSeconds);
    const runs: Record<string, Run[]> = { redis: [], memory: [] };
    for (let round = 1; round <= options.rounds; round++)
      for (const [name, url] of Object.entries(targets)) {
        const run = await load(url, tokens, options.concurrency, options.seconds);
        runs[name]!.push(run);
        console.log(
          `round ${round} ${name}: ${rate(run.samples.length, run.elapsedSeconds)} req/s`,
        );
      }
    const results = Object.fromEntries(Object.entries(runs).map(([n, list]) => [n, pool(list)]));
    return {
      date: new Date().toISOString(),
      setup: `identity + router processes, NODE_ENV=production, LOG_LEVEL=warn, RATE_LIMIT=off; ${options.concurrency} clients over ${options.sessions} sessions, ${options.rounds} × ${options.seconds} s each`,
      withRevocationsInRedis: results.redis,
      withRevocationsInMemory: results.memory,
      redisOverMemory: {
        throughput: round2(results.redis!.requestsPerSecond / results.memory!.requestsPerSecond),
        p50: round2(results.redis!.latencyMs.p50 / results.memory!.latencyMs.p50),
        p99: round2(results.redis!.latencyMs.p99 / results.memory!.latencyMs.p99),
      },
    };
  } finally {
    for (const stop of started.reverse()) await stop().catch((error) => console.error(error));
  }
}

async function spawnIdentity(databaseUrl: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'scripts', 'start-subgraph.ts'), 'identity'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        ...PRODUCTION,
        REDIS_URL: undefined,
        DATABASE_URL: databaseUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        ROUTER_SIGNING_SECRET: signingSecret(),
        IDENTITY_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  await waitForHealth(`http://127.0.0.1:${port}/health`, child, 'identity');
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    stop: () =>
      new Promise<void>((done) => {
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

/** Registers a customer through the router, verifies the email in SQL, logs in `sessions` times. */
async function customerTokens(
  routerUrl: string,
  databaseUrl: string,
  sessions: number,
): Promise<string[]> {
  const post = async (query: string, variables: Record<string, unknown>) => {
    const response = await fetch(routerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as {
      data?: { login?: { accessToken: string | null; userErrors: unknown[] } };
      errors?: unknown[];
    };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const email = `bench-${Date.now()}@example.com`;
  const password = 'a long passphrase for the bench';
  await post(
    `mutation ($input: RegisterInput!) { register(input: $input) { userErrors { code } } }`,
    { input: { email, password, firstName: 'Bench', lastName: 'Mark' } },
  );
  const sql = new Client({ connectionString: databaseUrl });
  await sql.connect();
  await sql.query(`UPDATE identity.customer SET email_verified_at = now() WHERE email = $1`, [
    email,
  ]);
  await sql.end();
  const logIn = async () => {
    const login = (
      await post(
        `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken userErrors { code } } }`,
        { e: email, p: password },
      )
    )?.login;
    if (!login?.accessToken) throw new Error(`login failed: ${JSON.stringify(login?.userErrors)}`);
    return login.accessToken;
  };
  const tokens: string[] = [];
  // A few at a time: each login hashes the password (argon2), on identity's two cores.
  while (tokens.length < sessions)
    tokens.push(
      ...(await Promise.all(Array.from({ length: Math.min(4, sessions - tokens.length) }, logIn))),
    );
  return tokens;
}

interface Run {
  samples: number[];
  errors: Record<string, number>;
  elapsedSeconds: number;
}

async function load(url: string, tokens: string[], concurrency: number, seconds: number) {
  const samples: number[] = [];
  const errors: Record<string, number> = {};
  const fail = (code: string) => (errors[code] = (errors[code] ?? 0) + 1);
  const startedAt = performance.now();
  const deadline = startedAt + seconds * 1000;
  let next = 0;
  const client = async () => {
    while (performance.now() < deadline) {
      const token = tokens[next++ % tokens.length];
      const sent = performance.now();
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: ME,
        });
        const body = (await response.json()) as {
          data?: { me?: { id: string } | null };
          errors?: { extensions?: { code?: string } }[];
        };
        const end = performance.now();
        if (body.errors?.length) fail(String(body.errors[0]!.extensions?.code ?? response.status));
        else if (!body.data?.me?.id) fail('NO_VIEWER');
        else samples.push(end - sent);
      } catch (error) {
        fail((error as { cause?: { code?: string } }).cause?.code ?? 'NETWORK');
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return { samples, errors, elapsedSeconds: (performance.now() - startedAt) / 1000 } as Run;
}

function pool(runs: Run[]) {
  const samples = runs.flatMap((r) => r.samples);
  const elapsed = runs.reduce((sum, r) => sum + r.elapsedSeconds, 0);
  const errors: Record<string, number> = {};
  for (const run of runs)
    for (const [code, n] of Object.entries(run.errors)) errors[code] = (errors[code] ?? 0) + n;
  return {
    requests: samples.length,
    requestsPerSecond: rate(samples.length, elapsed),
    latencyMs: summarize(samples),
    errors,
  };
}

const rate = (count: number, seconds: number) => Math.round((count / seconds) * 10) / 10;
const round2 = (value: number) => Math.round(value * 100) / 100;
