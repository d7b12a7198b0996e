/**
 * `tsx gateway-servers.ts apollo|hive`: the gateways ours is compared with, each on PORT
 * over the supergraph at SUPERGRAPH_PATH, configured as the gateways benchmark runs them.
 *  - apollo: a plain @apollo/gateway in @apollo/server's standalone server;
 *  - hive:   Hive Gateway (@graphql-hive/gateway's runtime on node:http) with depth and
 *            token limits off; HIVE_DEDUP=off turns its request deduplication off (inbound
 *            and outbound), anything else leaves both on.
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';

type HiveRuntime = (config: Record<string, unknown>) => http.RequestListener & {
  dispose(): Promise<void>;
};

const port = Number(process.env.PORT);
const supergraphSdl = readFileSync(process.env.SUPERGRAPH_PATH!, 'utf8');

async function apollo(): Promise<() => Promise<void>> {
  const { ApolloGateway } = await import('@apollo/gateway');
  const { ApolloServer } = await import('@apollo/server');
  const { startStandaloneServer } = await import('@apollo/server/standalone');
  const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
  await startStandaloneServer(server, { listen: { port, host: '127.0.0.1' } });
  return () => server.stop();
}

async function hive(): Promise<() => Promise<void>> {
  // Loaded by a name TypeScript does not follow: the package's types pull in a newer
  // @types/node of its own, which clashes with the project's.
  const name = '@graphql-hive/gateway';
  const { createGatewayRuntime } = (await import(name)) as { createGatewayRuntime: HiveRuntime };
  const dedup = process.env.HIVE_DEDUP !== 'off';
  const gateway = createGatewayRuntime({
    supergraph: supergraphSdl,
    maxDepth: false,
    maxTokens: false,
    logging: 'warn',
    inboundInflightRequestDeduplication: dedup,
    transportEntries: { '*': { options: { deduplicateInflightRequests: dedup } } },
  });
  const server = http.createServer(gateway);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return async () => {
    server.close();
    await gateway.dispose();
  };
}

const kind = process.argv[2];
const start = kind === 'apollo' ? apollo : kind === 'hive' ? hive : null;
if (!start) throw new Error('Name a gateway: apollo or hive');
void start().then((stop) => {
  process.once('SIGTERM', () => void stop().finally(() => process.exit(0)));
});
