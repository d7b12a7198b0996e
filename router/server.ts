import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import type { RouterContext } from './context';
import type { RouterConfig } from './config';
import { SignedSubgraphSource } from './subgraph-source';

export interface RunningRouter {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;

export async function startRouter(config: RouterConfig): Promise<RunningRouter> {
  const supergraphSdl = readFileSync(config.supergraphPath, 'utf8');
  const resolvedUrls = new Map<string, string>();
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => {
      const target = config.subgraphUrls[name] ?? url!;
      resolvedUrls.set(name, target);
      return new SignedSubgraphSource(target, config.subgraphTimeoutMs);
    },
  });

  const app = express();
  const httpServer = http.createServer(app);
  const apollo = new ApolloServer<RouterContext>({
    gateway,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer })],
    includeStacktraceInErrorResponses: false,
  });
  await apollo.start();

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Ready when every subgraph answers its own readiness check (and so its database).
  app.get('/ready', async (_req, res) => {
    const checks = await Promise.all(
      [...resolvedUrls].map(async ([name, url]) => {
        const readyUrl = new URL('/ready', url).toString();
        const ok = await fetch(readyUrl, { signal: AbortSignal.timeout(2000) })
          .then((r) => r.ok)
          .catch(() => false);
        return [name, ok] as const;
      }),
    );
    const ready = checks.every(([, ok]) => ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', subgraphs: Object.fromEntries(checks) });
  });
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }): Promise<RouterContext> => {
        const given = req.headers['x-request-id'];
        const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        // Token verification comes with the identity domain; until then every caller is anonymous.
        return { viewer: { kind: 'anonymous' }, requestId };
      },
    }),
  );

  await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  const port = (httpServer.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    async stop() {
      await apollo.stop();
    },
  };
}
