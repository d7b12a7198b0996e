import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { spawnRouterProcess, type RouterProcess } from '../router-process';
import type { ForeignSubgraph } from './types';

export interface ForeignSupergraph {
  router: RouterProcess;
  stop(): Promise<void>;
}

/**
 * Serves each subgraph with @apollo/subgraph over real HTTP, composes them in-process and
 * starts the router on the result given only SUPERGRAPH_PATH, as a team adopting it would.
 */
export async function startForeignSupergraph(
  subgraphs: ForeignSubgraph[],
  /** false: compose as composers without Apollo's satisfiability check (graphql-hive's) do. */
  { runSatisfiability = true }: { runSatisfiability?: boolean } = {},
): Promise<ForeignSupergraph> {
  const servers: ApolloServer[] = [];
  const urls: Record<string, string> = {};
  for (const subgraph of subgraphs) {
    const server = new ApolloServer({
      schema: buildSubgraphSchema({
        typeDefs: parse(subgraph.typeDefs),
        resolvers: subgraph.resolvers,
      }),
      plugins: [ApolloServerPluginInlineTraceDisabled()],
    });
    servers.push(server);
    const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
    urls[subgraph.name] = url;
  }
  const composed = composeServices(
    subgraphs.map((s) => ({ name: s.name, typeDefs: parse(s.typeDefs), url: urls[s.name] })),
    { runSatisfiability },
  );
  if (!composed.supergraphSdl)
    throw new Error((composed.errors ?? []).map((e) => e.message).join('\n'));
  const path = join(mkdtempSync(join(tmpdir(), 'planner-supergraph-')), 'supergraph.graphql');
  writeFileSync(path, composed.supergraphSdl);
  const router = await spawnRouterProcess(
    {},
    { SUPERGRAPH_PATH: path, IDENTITY_JWKS_URL: undefined },
  );
  return {
    router,
    async stop() {
      await router.stop();
      for (const server of servers) await server.stop();
    },
  };
}
