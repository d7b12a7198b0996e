import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPlatform } from '../platform';
import { seedDemoShop } from '../demo-shop';
import { signIdentity, signingSecret } from '../../platform/identity';
import { logLevelFromEnv, setLogLevel } from '../../platform/logging';
import { benchDatabase, spawnRouter } from './environment';
import { summarize } from './stats';

/**
 * `npm run bench -- gateway`: what the router costs. On one platform (the demo shop's
 * subgraphs, started once, in this process) and with the same client (this process,
 * `concurrency` loops of plain HTTP POSTs for `seconds`, `rounds` times each, the targets
 * taking turns, after `warmupSeconds` each):
 *
 *  - router:        our router in its own process (edge modules and all);
 *  - gateway:       a plain @apollo/gateway + @apollo/server standalone server in its own
 *                   process on the same supergraph and subgraph URLs, signing the
 *                   anonymous identity the way our subgraphs require;
 *  - routerCatalogOnly and direct: the catalog part of the query alone, through the
 *                   router and straight to the catalog subgraph (signed), so router/direct
 *                   compares the same work.
 *
 * The full query joins catalog (products, variants), inventory (availableQuantity) and
 * pricing (price). Every answer is checked (20 products, no errors); anything else counts
 * as an error, not as a sample.
 */
export interface GatewayComparisonOptions {
  seconds: number;
  warmupSeconds: number;
  concurrency: number;
  /** Each target is measured this many times, the targets taking turns. */
  rounds: number;
}

const FULL_QUERY = /* GraphQL */ `
  query BenchListing {
    products(first: 20) {
      edges {
        node {
          name
          variants {
            sku
            price {
              amount
            }
            availableQuantity
          }
        }
      }
    }
  }
`;

const CATALOG_QUERY = /* GraphQL */ `
  query BenchCatalogListing {
    products(first: 20) {
      edges {
        node {
          name
          variants {
            sku
          }
        }
      }
    }
  }
`;

type Target = { url: string; query: string; headers?: (body: string) => Record<string, string> };

export async function gatewayComparisonBench(options: GatewayComparisonOptions) {
  // Stopped in reverse order however far the start got.
  const started: (() => Promise<void>)[] = [];
  // Request logs off for the subgraphs here and the router (below), unless LOG_LEVEL says
  // otherwise: at ~1,000 requests/s they would be what is measured, and fill the terminal.
  const logLevel = process.env.LOG_LEVEL ? logLevelFromEnv() : 'warn';
  setLogLevel(logLevel);
  try {
    const db = await benchDatabase();
    started.push(db.stop);
    const platform = await startPlatform({
      databaseUrl: db.url,
      ports: 'ephemeral',
      background: false,
    });
    started.push(() => platform.stop());
    await seedDemoShop(platform);

    // Metrics on, tracing off, every other edge module as configured, except the rate
    // limits: one client IP sending hundreds of requests a second is what they stop.
    const router = await spawnRouter(platform.subgraphUrls, {
      LOG_LEVEL: logLevel,
      RATE_LIMIT: 'off',
    });
    started.push(() => router.stop());
    const gateway = await spawnPlainGateway(platform.subgraphUrls);
    started.push(() => gateway.stop());
    const catalogUrl = platform.subgraphUrls.catalog!;

    const targets: Record<string, Target> = {
      router: { url: router.url, query: FULL_QUERY },
      gateway: { url: gateway.url, query: FULL_QUERY },
      routerCatalogOnly: { url: router.url, query: CATALOG_QUERY },
      direct: {
        url: catalogUrl,
        query: CATALOG_QUERY,
        headers: (body) => signIdentity({ kind: 'anonymous' }, { audience: 'catalog', body }),
      },
    };
    for (const target of Object.values(targets))
      await load(target, options.concurrency, options.warmupSeconds);
    // Rounds interleave the targets, so that a busy moment on the machine is shared out
    // rather than landing on one of them; each target's figures pool its rounds.
    const runs: Record<string, Run[]> = Object.fromEntries(
      Object.keys(targets).map((name) => [name, []]),
    );
    for (let round = 1; round <= options.rounds; round++) {
      for (const [name, target] of Object.entries(targets)) {
        const run = await load(target, options.concurrency, options.seconds);
        runs[name]!.push(run);
        console.log(
          `round ${round} ${name}: ${rate(run.samples.length, run.elapsedSeconds)} req/s, p50 ${summarize(run.samples).p50} ms`,
        );
      }
    }
    const results = Object.fromEntries(
      Object.entries(runs).map(([name, list]) => [name, pool(list)]),
    );
    const ratio = (a: string, b: string) => ({
      throughput: round(results[a]!.requestsPerSecond / results[b]!.requestsPerSecond),
      p50: round(results[a]!.latencyMs.p50 / results[b]!.latencyMs.p50),
      p99: round(results[a]!.latencyMs.p99 / results[b]!.latencyMs.p99),
    });
    return {
      concurrency: options.concurrency,
      seconds: options.seconds,
      warmupSeconds: options.warmupSeconds,
      rounds: options.rounds,
      routerRssMiB: router.rssMiB(),
      gatewayRssMiB: gateway.rssMiB(),
      ...results,
      ratios: {
        'router/gateway (full query)': ratio('router', 'gateway'),
        'router/direct (catalog-only query)': ratio('routerCatalogOnly', 'direct'),
        'router full query / direct catalog-only': ratio('router', 'direct'),
      },
    };
  } finally {
    for (const stop of started.reverse()) await stop().catch((error) => console.error(error));
  }
}

interface Run {
  samples: number[];
  errors: Record<string, number>;
  elapsedSeconds: number;
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
    perRound: runs.map((r) => rate(r.samples.length, r.elapsedSeconds)),
    latencyMs: summarize(samples),
    errors,
  };
}

function rate(count: number, seconds: number): number {
  return Math.round((count / seconds) * 10) / 10;
}

/** `concurrency` loops posting the target's query for `seconds`; a request started before the end completes. */
async function load(target: Target, concurrency: number, seconds: number): Promise<Run> {
  const samples: number[] = [];
  const errors: Record<string, number> = {};
  const fail = (code: string) => {
    errors[code] = (errors[code] ?? 0) + 1;
  };
  const body = JSON.stringify({ query: target.query });
  const startedAt = performance.now();
  const deadline = startedAt + seconds * 1000;
  const client = async () => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      try {
        const response = await fetch(target.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...target.headers?.(body) },
          body,
        });
        const json = (await response.json()) as {
          data?: { products?: { edges: unknown[] } };
          errors?: { extensions?: { code?: string } }[];
        };
        const end = performance.now();
        if (json.errors?.length)
          fail(String(json.errors[0]!.extensions?.code ?? `HTTP_${response.status}`));
        else if (json.data?.products?.edges.length !== 20) fail('SHORT_ANSWER');
        else samples.push(end - sent);
      } catch (error) {
        fail((error as { cause?: { code?: string } }).cause?.code ?? 'NETWORK');
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return { samples, errors, elapsedSeconds: (performance.now() - startedAt) / 1000 };
}

interface GatewayProcess {
  url: string;
  rssMiB(): number;
  stop(): Promise<void>;
}

/** This file again, in a process of its own, serving the plain gateway (see the bottom). */
async function spawnPlainGateway(subgraphUrls: Record<string, string>): Promise<GatewayProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', __filename, '--serve-plain-gateway'],
    {
      env: {
        ...process.env,
        // The subgraphs verify with this process's secret.
        ROUTER_SIGNING_SECRET: signingSecret(),
        BENCH_SUBGRAPH_URLS: JSON.stringify(subgraphUrls),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /plain gateway ready at (\S+)/.exec(output);
      if (match) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`plain gateway exited with ${code}`)));
  });
  return {
    url,
    rssMiB: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
    },
    stop: () =>
      new Promise<void>((done) => {
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

/** The plain gateway: @apollo/gateway + @apollo/server's standalone server, nothing of ours but the signature. */
async function servePlainGateway(): Promise<void> {
  const { ApolloGateway, RemoteGraphQLDataSource } = await import('@apollo/gateway');
  const { ApolloServer } = await import('@apollo/server');
  const { startStandaloneServer } = await import('@apollo/server/standalone');
  const urls = JSON.parse(process.env.BENCH_SUBGRAPH_URLS ?? '{}') as Record<string, string>;
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(
      join(__dirname, '..', '..', 'schema', 'supergraph.graphql'),
      'utf8',
    ),
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource({
        url: urls[name] ?? url,
        // Signed like the router: for this subgraph and the body as serialized.
        fetcher: (input, init) =>
          fetch(input, {
            ...init,
            headers: {
              ...(init?.headers as Record<string, string>),
              ...signIdentity(
                { kind: 'anonymous' },
                { audience: name, body: typeof init?.body === 'string' ? init.body : '' },
              ),
            },
          }) as never,
      }),
  });
  const server = new ApolloServer({ gateway });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  console.log(`plain gateway ready at ${url.replace('localhost', '127.0.0.1')}`);
  const stop = async () => {
    await server.stop();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

if (require.main === module && process.argv.includes('--serve-plain-gateway')) {
  servePlainGateway().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
