import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError } from 'graphql';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { isPosition } from './events/transport';
import type { SubscribePayload } from 'graphql-ws';
import type { DataSource } from 'typeorm';
import type { SubgraphContext } from './context';
import { createDataSource, migrate, type StatementCounter } from './db';
import { consumeEvents, inboxMigration, type EventConsumer } from './events/consume';
import { enforceAuthorizationDirectives } from './directives';
import { formatError } from './format-error';
import { nulGuardPlugin } from './input-guard';
import {
  registerSubgraphAudience,
  subscribeSignatureBody,
  verifyIdentity,
  type Viewer,
} from './identity';
import { createLogger, requestLoggingPlugin } from './logging';
import { outboxMigration, startOutboxRelay, type OutboxRelay } from './outbox';
import { createPubSub, type PubSubHandle } from './pubsub';
import type { SubgraphModule, SubgraphUrls } from './subgraph';

export interface StartOptions {
  port?: number;
  host?: string;
  databaseUrl: string;
  subgraphUrls?: SubgraphUrls;
  /** The router started beside it in this process, once it listens. */
  routerUrl?: () => string | undefined;
  /** Share one pub/sub between subgraphs of one process; created from REDIS_URL otherwise. */
  pubsub?: PubSubHandle;
  background?: boolean;
  /** Relay this instance's outbox (default); any one instance relaying is enough. */
  outboxRelay?: boolean;
}

export interface RunningSubgraph<Services = unknown> {
  name: string;
  url: string;
  port: number;
  dataSource: DataSource;
  statements: StatementCounter;
  services: Services;
  outbox: OutboxRelay;
  /** Other domains' events it handles; `idle()` waits for those received so far. */
  events: EventConsumer;
  stop(): Promise<void>;
}

export async function startSubgraph<Services, Loaders>(
  module: SubgraphModule<Services, Loaders>,
  options: StartOptions,
): Promise<RunningSubgraph<Services>> {
  const { dataSource, statements } = createDataSource({
    url: options.databaseUrl,
    schema: module.dbSchema,
    entities: module.entities,
    // Every subgraph gets an outbox, so any of them can announce a change.
    migrations: [
      ...(module.migrations as unknown[]),
      outboxMigration(module.dbSchema),
      inboxMigration(module.dbSchema),
    ] as typeof module.migrations,
  });
  await dataSource.initialize();
  await migrate(dataSource, module.dbSchema);

  const ownPubSub = options.pubsub ? null : createPubSub();
  const pubsub = (options.pubsub ?? ownPubSub)!;
  const services = module.createServices({
    dataSource,
    pubsub: pubsub.pubsub,
    subgraphUrls: options.subgraphUrls ?? {},
    ...(options.routerUrl ? { routerUrl: options.routerUrl } : {}),
  });

  const handlers = module.consumers?.(services) ?? [];
  const events: EventConsumer = handlers.length
    ? await consumeEvents({ dataSource, pubsub: pubsub.pubsub, schema: module.dbSchema }, handlers)
    : { idle: async () => {}, stop: async () => {} };
  const relay: OutboxRelay =
    options.outboxRelay === false
      ? { drain: async () => 0, stop: async () => {} }
      : startOutboxRelay({
          databaseUrl: options.databaseUrl,
          schema: module.dbSchema,
          pubsub: pubsub.pubsub,
        });
  const contextFor = (viewer: Viewer, requestId: string): SubgraphContext<Services, Loaders> => {
    // Made on first use: a subscription's event that needs no loader (most are resolved
    // from the event or once per event for every subscriber) builds none.
    let loaders: Loaders | null = null;
    return {
      viewer,
      requestId,
      services,
      get loaders(): Loaders {
        return (loaders ??= module.createLoaders(services));
      },
      refreshLoaders: () => {
        loaders = null;
      },
    };
  };

  const schema = enforceAuthorizationDirectives(
    buildSubgraphSchema([{ typeDefs: module.typeDefs, resolvers: module.resolvers }]),
  );
  const app = express();
  // Every answer is computed afresh for one router call: an ETag would only cost a hash.
  app.set('etag', false);
  const httpServer = http.createServer(app);
  // Subscriptions: the router connects over graphql-ws, signed as itself, and signs the
  // identity of each subscriber into the subscribe message's extensions.
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const subscriberOf = (payload: SubscribePayload) =>
    verifyIdentity(stringRecord(payload.extensions), {
      audience: module.name,
      body: subscribeSignatureBody(payload),
      requireExpiry: false,
    });
  const wsCleanup = useServer(
    {
      schema,
      onConnect: (ctx) =>
        verifyIdentity(stringRecord(ctx.connectionParams), {
          audience: module.name,
          body: '',
        }) !== null,
      // The connection was signed fresh by the router; a subscriber's identity was signed
      // when it subscribed, for this subgraph and this very operation, and is sent again as
      // it was when the router re-subscribes after a reconnect (so it has no expiry).
      onSubscribe: (_ctx, _id, payload) =>
        subscriberOf(payload)
          ? undefined
          : [
              new GraphQLError('Subscriptions must come through the router', {
                extensions: { code: 'UNAUTHENTICATED' },
              }),
            ],
      context: (_ctx, id, payload) => {
        const extensions = stringRecord(payload.extensions);
        const context = contextFor(
          subscriberOf(payload)!,
          headerValue(extensions['x-request-id']) ?? id,
        );
        const lastEventId = payload.extensions?.lastEventId;
        context.resumeAfter = isPosition(lastEventId) ? lastEventId : null;
        return context;
      },
      // Each event carries its position, from which the router (and its client) resume,
      // and whether it is the whole watched state (the router may share such a stream).
      onNext: (_ctx, _id, _payload, args, result) => {
        const { eventPosition, snapshots } = args.contextValue as {
          eventPosition?: string | null;
          snapshots?: boolean;
        };
        if (!eventPosition && !snapshots) return;
        return {
          ...result,
          extensions: {
            ...result.extensions,
            ...(eventPosition ? { eventId: eventPosition } : {}),
            ...(snapshots ? { snapshot: true } : {}),
          },
        };
      },
    },
    wsServer,
  );
  const apollo = new ApolloServer<SubgraphContext<Services, Loaders>>({
    schema,
    // The process stops its servers itself, in order, on SIGINT/SIGTERM (scripts/start*.ts):
    // Apollo's own handlers would stop this one early and re-raise the signal, once per server.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginInlineTraceDisabled(),
      requestLoggingPlugin(createLogger(module.name)),
      nulGuardPlugin(),
    ],
    formatError,
    includeStacktraceInErrorResponses: false,
  });
  await apollo.start();

  let stopping: Promise<void> | undefined;
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', subgraph: module.name });
  });
  app.get('/ready', async (_req, res) => {
    // Stopping: the load balancer takes this instance out while in-flight requests finish.
    if (stopping) {
      res.status(503).json({ status: 'stopping', subgraph: module.name });
      return;
    }
    try {
      await dataSource.query('SELECT 1');
      res.json({ status: 'ready', subgraph: module.name });
    } catch {
      res.status(503).json({ status: 'unavailable', subgraph: module.name });
    }
  });
  if (module.routes) app.use(module.routes(services));
  app.use(
    '/graphql',
    express.json({
      limit: '1mb',
      // The signature covers the exact bytes sent: keep them for verifying it.
      verify: (req, _res, raw) => {
        (req as { rawBody?: Buffer }).rawBody = raw;
      },
    }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const viewer = verifyIdentity(req.headers, {
          audience: module.name,
          body: signedContent(req),
        });
        if (!viewer) {
          // Only the router (or a fellow subgraph) may call: it signs who the caller is.
          throw new GraphQLError('Requests must come through the router', {
            extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
          });
        }
        return contextFor(viewer, headerValue(req.headers['x-request-id']) ?? randomUUID());
      },
    }),
  );

  // A port already taken fails the start instead of leaving it waiting forever.
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? module.defaultPort, options.host ?? '0.0.0.0', () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/graphql`;
  registerSubgraphAudience(url, module.name);
  const stopBackground =
    options.background === false ? () => {} : module.startBackground?.(services);

  return {
    name: module.name,
    url,
    port,
    dataSource,
    statements,
    services,
    outbox: relay,
    events,
    stop() {
      stopping ??= (async () => {
        stopBackground?.();
        await events.stop();
        await relay.stop();
        await wsCleanup.dispose();
        await apollo.stop();
        await ownPubSub?.close();
        await module.closeServices?.(services);
        await dataSource.destroy();
      })();
      return stopping;
    },
  };
}

/** What a request's signature covers: its body as received, or a GET's query string. */
function signedContent(req: express.Request): Buffer | string {
  if (req.method === 'GET') return new URL(req.originalUrl, 'http://subgraph').search;
  return (req as { rawBody?: Buffer }).rawBody ?? '';
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function stringRecord(value: unknown): Record<string, string | undefined> {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => typeof v === 'string'),
  ) as Record<string, string>;
}
