import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import type { RouterContext } from './context';
import {
  DEFAULT_HTTP_TIMEOUTS,
  DEFAULT_MAX_UNREAD_BYTES,
  DEFAULT_SLOW_CLIENT_GRACE_MS,
  type RouterConfig,
} from './config';
import { SignedSubgraphSource, type SubgraphCallObserver } from './subgraph-source';
import { FederatedSubscriptions } from './subscriptions/executor';
import { subscriptionRouting } from './subscriptions/http-routing';
import {
  SubscriptionCounter,
  subscriptionLimitsFromEnv,
  type SubscriptionLimits,
} from './subscriptions/limits';
import { sseHandler } from './subscriptions/sse-transport';
import { SubgraphConnections } from './subscriptions/subgraph-connections';
import { StreamDrain } from './subscriptions/stream-drain';
import { startWebSocketTransport } from './subscriptions/ws-transport';
import { createCallerHook, SessionGuard, tokenVerifierFromEnv } from './auth';
import { createSessionRevocations } from '../platform/auth/revocations';
import { operationLimitsFromEnv } from './edge/limits/config';
import { installEdge, type EdgeContext } from './edge';
import { printSchema } from 'graphql';
import { dedupConfigFromEnv } from './dedup/config';
import { deduplicatingGateway } from './dedup/inbound';
import { createLogger } from '../platform/logging';
import {
  prepareSchemaReload,
  schemaReloadConfigFromEnv,
  type SchemaReloadObserver,
} from './reload';
import { incrementalDelivery } from './defer';
import { graphqlHandler } from './answers/graphql-handler';
import { SerialisedAnswers } from './answers/serialised-answers';

const log = createLogger('router');

export interface RunningRouter {
  url: string;
  port: number;
  /** Subscriptions open right now, over every transport. */
  activeSubscriptions(): number;
  /** Subgraph subscriptions held for them: identical ones share one. */
  subscriptionUpstreams(): number;
  stop(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;

export async function startRouter(
  config: RouterConfig,
  limits: SubscriptionLimits = subscriptionLimitsFromEnv(),
): Promise<RunningRouter> {
  // Zero-drop reloads (router/reload): `supergraph` always reads the one serving now.
  const reload = await prepareSchemaReload({
    supergraphPath: config.supergraphPath,
    config: schemaReloadConfigFromEnv(),
    log,
  });
  const supergraph = reload.live.view;
  const schemaReloadObservers: SchemaReloadObserver[] = [];
  // Edge modules add observers of subgraph calls (metrics, logs) when they are installed.
  const subgraphCallObservers: SubgraphCallObserver[] = [];
  const resolvedUrls = new Map(
    Object.entries(supergraph.subgraphUrls).map(([name, url]) => [
      name,
      config.subgraphUrls[name] ?? url,
    ]),
  );
  const dedup = dedupConfigFromEnv();
  // One data source per subgraph, shared by the gateway (queries) and subscriptions.
  const signedSources = [...resolvedUrls].map(
    ([name, url]) =>
      [
        name,
        new SignedSubgraphSource(name, url, config.subgraphTimeoutMs, subgraphCallObservers, {
          dedup: dedup.outbound,
        }),
      ] as const,
  );
  const sources = new Map<string, GraphQLDataSource>(signedSources);
  const maxUnreadBytes = config.maxUnreadBytes ?? DEFAULT_MAX_UNREAD_BYTES;
  const slowClientGraceMs = config.slowClientGraceMs ?? DEFAULT_SLOW_CLIENT_GRACE_MS;
  const streamDrain = new StreamDrain();
  const reloadable = await reload.createGateway((name) => sources.get(name)!);
  // @defer: Apollo Server gets a gateway that accepts it and a plugin that streams it.
  const deferred = incrementalDelivery(
    dedup.inbound ? deduplicatingGateway(reloadable).gateway : reloadable,
    sources,
  );
  const gateway = deferred.gateway;

  const subscriptionCounter = new SubscriptionCounter(limits.maxPerProcess);
  const edge: EdgeContext = {
    config,
    apiSdl: printSchema(supergraph.apiGraphQLSchema),
    listSizes: supergraph.listSizes,
    subgraphNames: [...resolvedUrls.keys()],
    observeSubgraphCalls: (observer) => subgraphCallObservers.push(observer),
    activeSubscriptions: () => subscriptionCounter.active,
    // Read on a scrape, after the subscriptions below exist.
    subscriptionUpstreams: () => subscriptions.upstreams,
    observeSchemaReloads: (observer) => schemaReloadObservers.push(observer),
  };
  const verifier = tokenVerifierFromEnv(process.env, resolvedUrls.get('identity'));
  const edgeParts = installEdge(edge);
  // Revoked sessions (logout, refresh reuse, deactivation) are refused on every transport.
  // Opened after the settings that can refuse to start, so a refused start leaves no
  // Redis connection behind.
  const revocations = createSessionRevocations(config.redisUrl);
  const sessions = new SessionGuard(revocations);
  const callerOf = createCallerHook(verifier, sessions);
  const app = express();
  // Answers are computed afresh for every request; hashing each for an ETag cost as much
  // as serialising it.
  app.set('etag', false);
  const timeouts = { ...DEFAULT_HTTP_TIMEOUTS, ...config.http };
  const httpServer = http.createServer(
    {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      keepAliveTimeout: timeouts.keepAliveTimeoutMs,
      connectionsCheckingInterval: timeouts.checkIntervalMs,
    },
    app,
  );
  for (const handler of edgeParts.middleware) app.use(handler);
  const answers = new SerialisedAnswers();
  const apollo = new ApolloServer<RouterContext>({
    gateway,
    stringifyResult: answers.stringify,
    // router/main.ts drains streams and sockets first on SIGTERM; Apollo's own handler would
    // stop the server under them and re-raise the signal.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ...edgeParts.plugins,
      deferred.plugin,
    ],
    includeStacktraceInErrorResponses: false,
  });
  await apollo.start();

  const connections = new SubgraphConnections(
    Object.fromEntries(resolvedUrls),
    limits.subgraphRetryAttempts,
  );
  const subscriptions = new FederatedSubscriptions(
    reload.live.current,
    sources,
    connections,
    limits,
    subscriptionCounter,
  );
  const webSockets = startWebSocketTransport({
    httpServer,
    supergraph,
    subscriptions,
    apollo,
    limits,
    operationLimits: { ...operationLimitsFromEnv(), declaredListSizes: supergraph.listSizes },
    callerOf,
    sessions,
    maxUnreadBytes,
    slowClientGraceMs,
    admit: edgeParts.admit,
  });
  const sse = sseHandler({
    supergraph,
    subscriptions,
    apollo,
    callerOf,
    sessions,
    maxUnreadBytes,
    slowClientGraceMs,
    drain: streamDrain,
    admit: edgeParts.admit,
  });

  edgeParts.routes(app);
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Ready when every subgraph answers its own readiness check (and so its database).
  app.get('/ready', async (_req, res) => {
    if (streamDrain.draining) {
      res.status(503).json({ status: 'draining' });
      return;
    }
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
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : 'unavailable', subgraphs: Object.fromEntries(checks) });
  });
  app.use('/graphql/stream', express.json({ limit: '1mb' }), sse);
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    subscriptionRouting({
      supergraph,
      sse,
      multipart: {
        subscriptions,
        callerOf,
        sessions,
        maxUnreadBytes,
        slowClientGraceMs,
        drain: streamDrain,
        heartbeatMs: config.multipartHeartbeatMs ?? 5000,
        admit: edgeParts.admit,
      },
    }),
    graphqlHandler(apollo, answers, async (req): Promise<RouterContext> => {
      const given = req.headers['x-request-id'];
      const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      return { viewer: (await callerOf(req)).viewer, requestId };
    }),
  );

  // A port already taken fails the start instead of leaving it waiting forever.
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  reload.start({
    subscriptions,
    subgraphs: resolvedUrls.keys(),
    observers: schemaReloadObservers,
  });
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    activeSubscriptions: () => subscriptions.counter.active,
    subscriptionUpstreams: () => subscriptions.upstreams,
    async stop() {
      // Readiness fails first, then every client is told to go elsewhere, then what is
      // in flight finishes (the drain plugin: new connections refused, at most 10 s).
      const streams = streamDrain.drain();
      const sockets = webSockets.drain();
      log.info('router draining', { streams, webSockets: sockets });
      reload.stop();
      await apollo.stop();
      await webSockets.close();
      await connections.close();
      await edgeParts.close();
      await sessions.close();
      await revocations.close();
      await Promise.all(signedSources.map(([, source]) => source.close()));
    },
  };
}
