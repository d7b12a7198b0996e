import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { signingSecret } from '../../platform/identity';
import { freePort } from '../../platform/testing/ports';
import { benchSubgraphs } from './gateways/subgraphs';
import { TEST_QUERY } from './gateways/test-query';
import {
  interleavedRounds,
  ratio,
  startLoadProcess,
  summarizeRounds,
  type Target,
} from './harness/load';
import { LOAD_ADDRESS, PRODUCTION_ENV, spawnRouterProcess } from './harness/platform';
import { spawnScript, Started, waitForHealth, type BenchProcess } from './harness/processes';
import { benchSetup } from './harness/setup';
import { subgraphUrlVariable } from '../../platform/config';

export interface GatewaysBenchOptions {
  seconds: number;
  warmupSeconds: number;
  /** Concurrent connections, each one request after another (the benchmark's VUs). */
  connections: number;
  rounds: number;
  /** MAX_COST for our router: TestQuery's cost is far above the default budget. */
  maxCost: number;
}

/**
 * `npm run bench -- gateways`: the Guild's gateways benchmark (graphql-hive/
 * graphql-gateways-benchmark) ported to Node: its four subgraphs (gateways/subgraphs.ts,
 * each in its own process) and its TestQuery, sent by `connections` clients from the
 * load process to, in turn:
 *  - router:          ours (router/main.ts), request deduplication on (the default);
 *  - routerNoDedup:   ours with ROUTER_DEDUP_INBOUND=off ROUTER_DEDUP_OUTBOUND=off;
 *  - apolloGateway:   a plain @apollo/gateway in @apollo/server;
 *  - hive:            Hive Gateway as the benchmark runs it (deduplication on);
 *  - hiveNoDedup:     Hive Gateway with its deduplication off.
 * Each gateway is its own process on the same supergraph; every answer is checked (no
 * errors, users and topProducts non-empty). Our router runs as in production (edge
 * modules on, NODE_ENV=production), its rate limits exempting the load's address only
 * and MAX_COST raised to `maxCost` (the cost model prices TestQuery far above 10,000).
 */
export async function gatewaysBench(options: GatewaysBenchOptions) {
  const started = new Started();
  const dir = mkdtempSync(join(tmpdir(), 'gateways-bench-'));
  started.add({ stop: async () => rmSync(dir, { recursive: true, force: true }) });
  try {
    const urls: Record<string, string> = {};
    const subgraphProcesses: BenchProcess[] = [];
    for (const name of Object.keys(benchSubgraphs)) {
      const port = await freePort();
      const process = started.add(
        spawnScript(name, join(__dirname, 'gateways', 'subgraph-server.ts'), [name], {
          ...PRODUCTION_ENV,
          PORT: String(port),
        }),
      );
      await waitForHealth(`http://127.0.0.1:${port}/health`, process);
      urls[name] = `http://127.0.0.1:${port}/graphql`;
      subgraphProcesses.push(process);
    }
    const supergraphPath = join(dir, 'supergraph.graphql');
    writeFileSync(supergraphPath, composeSupergraph(urls));

    const routerEnv = {
      ...PRODUCTION_ENV,
      SUPERGRAPH_PATH: supergraphPath,
      ROUTER_SIGNING_SECRET: signingSecret(),
      METRICS_BEARER_TOKEN: randomBytes(16).toString('hex'),
      RATE_LIMIT_EXEMPT_IPS: LOAD_ADDRESS,
      MAX_COST: String(options.maxCost),
      // No identity here and no tokens sent: the key set is never fetched.
      IDENTITY_JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json',
      ...Object.fromEntries(
        Object.entries(urls).map(([name, url]) => [subgraphUrlVariable(name), url]),
      ),
    };
    const router = await spawnRouterProcess('router', routerEnv);
    started.add(router.process);
    const routerNoDedup = await spawnRouterProcess('routerNoDedup', {
      ...routerEnv,
      ROUTER_DEDUP_INBOUND: 'off',
      ROUTER_DEDUP_OUTBOUND: 'off',
    });
    started.add(routerNoDedup.process);
    const gateway = async (name: string, kind: string, env: Record<string, string> = {}) => {
      const port = await freePort();
      const process = started.add(
        spawnScript(name, join(__dirname, 'gateways', 'gateway-servers.ts'), [kind], {
          ...PRODUCTION_ENV,
          SUPERGRAPH_PATH: supergraphPath,
          PORT: String(port),
          ...env,
        }),
      );
      const url = `http://127.0.0.1:${port}/graphql`;
      await waitForGraphQL(url, process);
      return { url, process };
    };
    const apollo = await gateway('apolloGateway', 'apollo');
    const hive = await gateway('hive', 'hive');
    const hiveNoDedup = await gateway('hiveNoDedup', 'hive', { HIVE_DEDUP: 'off' });

    const workload = {
      kind: 'post' as const,
      body: JSON.stringify({ query: TEST_QUERY }),
      lists: ['users', 'topProducts'],
    };
    const target = (url: string, process: BenchProcess): Target => ({
      url,
      workload,
      measure: [process],
    });
    const targets: Record<string, Target> = {
      router: target(router.url, router.process),
      routerNoDedup: target(routerNoDedup.url, routerNoDedup.process),
      apolloGateway: target(apollo.url, apollo.process),
      hive: target(hive.url, hive.process),
      hiveNoDedup: target(hiveNoDedup.url, hiveNoDedup.process),
    };
    const answerBytes = Buffer.byteLength(
      await fetch(router.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: workload.body,
      }).then((r) => r.text()),
    );
    const load = started.add(await startLoadProcess());
    const setup = benchSetup({
      ...PRODUCTION_ENV,
      MAX_COST: `${options.maxCost} for our router (the default 10000 refuses TestQuery)`,
      RATE_LIMIT: `on for our router, load address ${LOAD_ADDRESS} exempt (RATE_LIMIT_EXEMPT_IPS)`,
    });
    const rounds = await interleavedRounds(load, targets, {
      clients: options.connections,
      seconds: options.seconds,
      warmupSeconds: options.warmupSeconds,
      rounds: options.rounds,
    });
    return {
      setup: {
        ...setup,
        processes:
          'four subgraphs, each gateway and the load generator: each its own process (all on this machine)',
        connections: options.connections,
        rounds: `${options.rounds} × ${options.seconds} s per gateway, interleaved, after ${options.warmupSeconds} s warm-up each`,
        answerBytes,
      },
      gateways: Object.fromEntries(
        Object.entries(rounds).map(([name, list]) => [name, summarizeRounds(list)]),
      ),
      // CPU per request is the gateway process's alone.
      ratios: {
        'router / apolloGateway': ratio(rounds.router!, rounds.apolloGateway!),
        'routerNoDedup / apolloGateway': ratio(rounds.routerNoDedup!, rounds.apolloGateway!),
        'router / hive': ratio(rounds.router!, rounds.hive!),
        'routerNoDedup / hiveNoDedup': ratio(rounds.routerNoDedup!, rounds.hiveNoDedup!),
      },
      subgraphsCpuSeconds: Math.round(
        subgraphProcesses.reduce((sum, p) => sum + p.cpuSeconds(), 0),
      ),
    };
  } finally {
    await started.stopAll();
  }
}

/** The four subgraphs composed (Federation 2) at the URLs they run on. */
function composeSupergraph(urls: Record<string, string>): string {
  const composed = composeServices(
    Object.entries(benchSubgraphs).map(([name, { typeDefs }]) => ({
      name,
      url: urls[name]!,
      typeDefs,
    })),
  );
  if (composed.errors?.length) throw new Error(composed.errors.map((e) => e.message).join('\n'));
  return composed.supergraphSdl!;
}

/** Gateways without /health: ready once a trivial query answers. */
async function waitForGraphQL(url: string, process: BenchProcess): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (process.child.exitCode !== null)
      throw new Error(`${process.name} exited with ${process.child.exitCode}`);
    const ok = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${process.name} did not answer at ${url}`);
    await new Promise((done) => setTimeout(done, 250));
  }
}
